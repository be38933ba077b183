using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Models;
using VideoAnalytics.Inference.Processing;

namespace VideoAnalytics.Tests.Inference;

public sealed class RefineDetDecoderTests
{
    // 32x32 input, one 2x2 map of stride 16, anchor size 16, ratio {1} only: 4 square anchors of side 0.5
    // centred at (0.25|0.75, 0.25|0.75).
    private static readonly PriorConfig Square = new()
    {
        FeatureMaps = [2],
        Steps = [16],
        MinSizes = [16f],
        AspectRatios = [[]],
    };

    [Fact]
    public void Cascaded_decoding_matches_hand_computation()
    {
        // Anchor 0: centre (0.25,0.25), side 0.5.
        // ARM (1, -1, ln2/0.2, 0): refined centre (0.25+0.1·0.5, 0.25−0.1·0.5) = (0.30, 0.20), w 0.5·2 = 1.0, h 0.5.
        // ODM (0.5, 1, 0, −ln2/0.2): centre (0.30+0.1·0.5·1.0, 0.20+0.1·1·0.5) = (0.35, 0.25), w 1.0, h 0.25.
        // Corners (−0.15, 0.125)-(0.85, 0.375) → in a 200x100 frame (0, 12.5)-(170, 37.5) after clipping.
        var ln2 = MathF.Log(2f) / 0.2f;
        var (armLoc, armConf, odmLoc, odmConf) = Empty(4, 2);
        Set(armLoc, 0, 1f, -1f, ln2, 0f);
        Set(odmLoc, 0, 0.5f, 1f, 0f, -ln2);
        armConf[1] = 0.9f;
        odmConf[0] = 0.1f;
        odmConf[1] = 0.9f;

        var output = new Detection[10];
        var n = Decoder(2).Decode(armLoc, armConf, odmLoc, odmConf, 200, 100, output);

        Assert.Equal(1, n);
        Assert.Equal(1, output[0].ClassId);
        Assert.Equal(0.9f, output[0].Score);
        Assert.Equal(0f, output[0].X1, 1e-3f);
        Assert.Equal(12.5f, output[0].Y1, 1e-3f);
        Assert.Equal(170f, output[0].X2, 1e-3f);
        Assert.Equal(37.5f, output[0].Y2, 1e-3f);
    }

    [Fact]
    public void Negative_anchors_are_filtered_before_the_odm_score_counts()
    {
        var (armLoc, armConf, odmLoc, odmConf) = Empty(4, 2);
        armConf[(0 * 2) + 1] = 0.01f;  // exactly at the threshold: filtered
        armConf[(1 * 2) + 1] = 0.011f; // just above: kept
        odmConf[(0 * 2) + 1] = 0.99f;
        odmConf[(1 * 2) + 1] = 0.5f;

        var output = new Detection[10];
        var n = Decoder(2).Decode(armLoc, armConf, odmLoc, odmConf, 100, 100, output);

        Assert.Equal(1, n);
        Assert.Equal(0.5f, output[0].Score);
        Assert.Equal(50f, output[0].X1, 1e-3f); // anchor 1 is the top-right square
    }

    [Fact]
    public void Logit_outputs_are_softmaxed()
    {
        var (armLoc, armConf, odmLoc, odmConf) = Empty(4, 3);
        armConf[0] = 0f;
        armConf[1] = 2f;                      // objectness sigmoid(2) = 0.881
        odmConf[0] = 0f;
        odmConf[1] = MathF.Log(3f);           // softmax(0, ln3, 0) = (0.2, 0.6, 0.2)
        odmConf[2] = 0f;

        var output = new Detection[10];
        var decoder = new RefineDetDecoder(PriorBoxes.Create(Square, 32, 32), 3, 0.1f, 0.2f, DecodeOptions.Default, scoresAreLogits: true);
        var n = decoder.Decode(armLoc, armConf, odmLoc, odmConf, 100, 100, output);

        // Anchor 0 gives class 1 (0.6) and class 2 (0.2); anchors 1-3 have all-zero logits: objectness 0.5 and
        // 1/3 for each class, so two candidates each. The four squares are disjoint: nothing is suppressed.
        Assert.Equal(8, n);
        Assert.Equal(1, output[0].ClassId);
        Assert.Equal(0.6f, output[0].Score, 1e-5f);
    }

    [Fact]
    public void Top_k_limits_apply_per_class_and_per_image()
    {
        var (armLoc, armConf, odmLoc, odmConf) = Empty(4, 3);
        for (var a = 0; a < 4; a++)
        {
            armConf[(a * 2) + 1] = 1f;
            odmConf[(a * 3) + 1] = 0.5f + (a * 0.1f);  // class 1: 0.5 .. 0.8 (disjoint boxes, no NMS)
            odmConf[(a * 3) + 2] = 0.05f + (a * 0.1f); // class 2: 0.05 .. 0.35
        }

        var output = new Detection[10];
        var options = new DecodeOptions { TopKPerClass = 2, KeepTopKPerImage = 3 };
        var n = new RefineDetDecoder(PriorBoxes.Create(Square, 32, 32), 3, 0.1f, 0.2f, options).Decode(armLoc, armConf, odmLoc, odmConf, 100, 100, output);

        // Per class the best two survive (class 1: 0.8, 0.7; class 2: 0.35, 0.25); per image the best three.
        Assert.Equal(3, n);
        Assert.Equal([0.8f, 0.7f, 0.35f], [output[0].Score, output[1].Score, output[2].Score], new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void Outputs_smaller_than_the_anchor_count_are_refused()
    {
        var (armLoc, armConf, odmLoc, odmConf) = Empty(4, 2);
        Assert.Throws<ArgumentException>(() => Decoder(2).Decode(armLoc.AsSpan(1), armConf, odmLoc, odmConf, 10, 10, new Detection[4]));
    }

    /// <summary>
    /// Property test: on random heads the fused decoder equals a plain reference written the obvious way
    /// (double precision, per-class lists, greedy NMS by definition), for 200 random cases.
    /// </summary>
    [Fact]
    public void Matches_a_brute_force_reference_on_random_outputs()
    {
        var config = new PriorConfig { FeatureMaps = [4, 2], Steps = [8, 16], MinSizes = [10f, 20f], AspectRatios = [[2f], [2f, 3f]] };
        var priors = PriorBoxes.Create(config, 32, 32);
        const int classes = 4;
        var random = new Random(1234);
        for (var trial = 0; trial < 200; trial++)
        {
            var options = new DecodeOptions
            {
                ConfidenceThreshold = 0.05f,
                NmsIouThreshold = 0.3f + (float)(random.NextDouble() * 0.4),
                TopKPerClass = 1 + random.Next(40),
                KeepTopKPerImage = 1 + random.Next(40),
            };
            var p = priors.Count;
            var armLoc = RandomArray(random, p * 4, -1.5f, 1.5f);
            var odmLoc = RandomArray(random, p * 4, -1.5f, 1.5f);
            var armConf = new float[p * 2];
            var odmConf = new float[p * classes];
            for (var a = 0; a < p; a++)
            {
                var objectness = random.NextDouble() < 0.3 ? (float)(random.NextDouble() * 0.02) : (float)random.NextDouble();
                armConf[2 * a] = 1 - objectness;
                armConf[(2 * a) + 1] = objectness;
                var row = RandomArray(random, classes, 0f, 1f);
                row[0] += 1.5f; // background usually wins, as in a trained model
                var sum = row.Sum();
                for (var c = 0; c < classes; c++)
                {
                    odmConf[(a * classes) + c] = row[c] / sum;
                }
            }

            var output = new Detection[200];
            var n = new RefineDetDecoder(priors, classes, 0.1f, 0.2f, options).Decode(armLoc, armConf, odmLoc, odmConf, 640, 480, output);
            var expected = Reference(priors.CenterForm.ToArray(), armLoc, armConf, odmLoc, odmConf, classes, options, 640, 480);

            Assert.Equal(expected.Count, n);
            var actual = output.AsSpan(0, n).ToArray().OrderBy(d => d.ClassId).ThenByDescending(d => d.Score).ToList();
            expected = expected.OrderBy(d => d.ClassId).ThenByDescending(d => d.Score).ToList();
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(expected[i].ClassId, actual[i].ClassId);
                Assert.Equal(expected[i].Score, actual[i].Score);
                Assert.Equal(expected[i].X1, actual[i].X1, 1e-2f);
                Assert.Equal(expected[i].Y1, actual[i].Y1, 1e-2f);
                Assert.Equal(expected[i].X2, actual[i].X2, 1e-2f);
                Assert.Equal(expected[i].Y2, actual[i].Y2, 1e-2f);
            }
        }
    }

    private static List<Detection> Reference(
        float[] priors, float[] armLoc, float[] armConf, float[] odmLoc, float[] odmConf, int classes, DecodeOptions o, int w, int h)
    {
        var boxes = new double[priors.Length / 4][];
        for (var a = 0; a < boxes.Length; a++)
        {
            double pcx = priors[a * 4], pcy = priors[(a * 4) + 1], pw = priors[(a * 4) + 2], ph = priors[(a * 4) + 3];
            double rcx = pcx + (armLoc[a * 4] * 0.1 * pw), rcy = pcy + (armLoc[(a * 4) + 1] * 0.1 * ph);
            double rw = pw * Math.Exp(armLoc[(a * 4) + 2] * 0.2), rh = ph * Math.Exp(armLoc[(a * 4) + 3] * 0.2);
            double cx = rcx + (odmLoc[a * 4] * 0.1 * rw), cy = rcy + (odmLoc[(a * 4) + 1] * 0.1 * rh);
            double bw = rw * Math.Exp(odmLoc[(a * 4) + 2] * 0.2), bh = rh * Math.Exp(odmLoc[(a * 4) + 3] * 0.2);
            boxes[a] = [cx - (bw / 2), cy - (bh / 2), cx + (bw / 2), cy + (bh / 2)];
        }

        var kept = new List<(int Class, float Score, int Anchor)>();
        for (var c = 1; c < classes; c++)
        {
            var list = new List<(float Score, int Anchor)>();
            for (var a = 0; a < boxes.Length; a++)
            {
                var score = armConf[(2 * a) + 1] <= o.ObjectnessThreshold ? 0f : odmConf[(a * classes) + c];
                if (score > o.ConfidenceThreshold)
                {
                    list.Add((score, a));
                }
            }

            var ranked = list.OrderByDescending(x => x.Score).Take(o.TopKPerClass).ToList();
            var survivors = new List<(float Score, int Anchor)>();
            foreach (var candidate in ranked)
            {
                if (survivors.All(s => IoU(boxes[s.Anchor], boxes[candidate.Anchor]) <= o.NmsIouThreshold))
                {
                    survivors.Add(candidate);
                }
            }

            kept.AddRange(survivors.Select(s => (c, s.Score, s.Anchor)));
        }

        return kept.OrderByDescending(k => k.Score).Take(o.KeepTopKPerImage)
            .Select(k => new Detection(
                k.Class,
                k.Score,
                (float)Math.Clamp(boxes[k.Anchor][0] * w, 0, w),
                (float)Math.Clamp(boxes[k.Anchor][1] * h, 0, h),
                (float)Math.Clamp(boxes[k.Anchor][2] * w, 0, w),
                (float)Math.Clamp(boxes[k.Anchor][3] * h, 0, h)))
            .ToList();
    }

    private static double IoU(double[] a, double[] b)
    {
        var iw = Math.Min(a[2], b[2]) - Math.Max(a[0], b[0]);
        var ih = Math.Min(a[3], b[3]) - Math.Max(a[1], b[1]);
        if (iw <= 0 || ih <= 0)
        {
            return 0;
        }

        var inter = iw * ih;
        return inter / (((a[2] - a[0]) * (a[3] - a[1])) + ((b[2] - b[0]) * (b[3] - b[1])) - inter);
    }

    private static RefineDetDecoder Decoder(int classes) =>
        new(PriorBoxes.Create(Square, 32, 32), classes, 0.1f, 0.2f, DecodeOptions.Default);

    private static (float[] ArmLoc, float[] ArmConf, float[] OdmLoc, float[] OdmConf) Empty(int anchors, int classes)
    {
        var odmConf = new float[anchors * classes];
        for (var a = 0; a < anchors; a++)
        {
            odmConf[a * classes] = 1f; // background
        }

        return (new float[anchors * 4], new float[anchors * 2], new float[anchors * 4], odmConf);
    }

    private static void Set(float[] loc, int anchor, float dx, float dy, float dw, float dh)
    {
        loc[anchor * 4] = dx;
        loc[(anchor * 4) + 1] = dy;
        loc[(anchor * 4) + 2] = dw;
        loc[(anchor * 4) + 3] = dh;
    }

    private static float[] RandomArray(Random random, int length, float min, float max)
    {
        var a = new float[length];
        for (var i = 0; i < length; i++)
        {
            a[i] = min + ((float)random.NextDouble() * (max - min));
        }

        return a;
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
