namespace VideoAnalytics.Bench.Engine;

/// <summary>Synthetic raw RefineDet head outputs with a trained model's score distribution (see DecodeBenchmarks).</summary>
public static class RealisticHeads
{
    public static (float[] ArmLoc, float[] ArmConf, float[] OdmLoc, float[] OdmConf) Create(int anchors, int classes, int seed)
    {
        var random = new Random(seed);
        var armLoc = new float[anchors * 4];
        var odmLoc = new float[anchors * 4];
        var armConf = new float[anchors * 2];
        var odmConf = new float[anchors * classes];
        for (var i = 0; i < armLoc.Length; i++)
        {
            armLoc[i] = Gaussian(random) * 0.5f;
            odmLoc[i] = Gaussian(random) * 0.5f;
        }

        for (var a = 0; a < anchors; a++)
        {
            var u = random.NextDouble();
            // 70 % clear background, 25 % weak objectness, 5 % on an object.
            var objectness = u < 0.70 ? (float)(random.NextDouble() * 0.01) : u < 0.95 ? 0.01f + (float)(random.NextDouble() * 0.3) : 0.5f + (float)(random.NextDouble() * 0.5);
            armConf[2 * a] = 1 - objectness;
            armConf[(2 * a) + 1] = objectness;
            var row = odmConf.AsSpan(a * classes, classes);
            var onObject = objectness > 0.5f;
            var dominant = 1 + ((a / 37) % (classes - 1)); // neighbouring anchors agree on a class
            var confusable = 1 + ((a / 53) % (classes - 1));
            var sum = 0f;
            for (var c = 0; c < classes; c++)
            {
                // Softmax outputs of a trained model: background near 1 off objects, small but non-zero
                // mass on other classes, a few anchors per object with a confusable second class.
                row[c] = (float)random.NextDouble() * 0.004f;
                if (c == 0)
                {
                    row[c] += onObject ? 0.2f : 1f;
                }
                else if (c == dominant && onObject)
                {
                    row[c] += 0.5f + (float)random.NextDouble();
                }
                else if (c == confusable && random.NextDouble() < 0.1)
                {
                    row[c] += (float)random.NextDouble() * 0.1f;
                }

                sum += row[c];
            }

            for (var c = 0; c < classes; c++)
            {
                row[c] /= sum;
            }
        }

        return (armLoc, armConf, odmLoc, odmConf);
    }

    private static float Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
