namespace VideoAnalytics.Bench;

/// <summary>
/// The raw and fused RefineDet files every section measures: the shipped default model when both files are in
/// models/, otherwise the untrained lite-320 pair that <c>make bench-setup</c> exports with the project's own
/// tools into .cache/bench-models (timing does not depend on the weights; the results page says which was used).
/// </summary>
public sealed record BenchModels(string Raw, string Fused, bool Shipped)
{
    public const string Name = "refinedet-lite-320";

    /// <summary>The folder holding <c>refinedet-lite-320.onnx</c>: what the silo's ModelsDirectory points at.</summary>
    public string Directory => Path.GetDirectoryName(Raw)!;

    public string Description => Shipped
        ? $"shipped trained model models/{Name}.onnx (+ -fused.onnx)"
        : $"UNTRAINED {Name} exported by bench/setup (models/{Name}.onnx was not present): timings are representative, detections are not; "
          + "an untrained head scores every anchor alike, the heaviest case for post-processing";

    public static BenchModels Locate()
    {
        var shipped = new BenchModels(BenchPaths.Model(Name + ".onnx"), BenchPaths.Model(Name + "-fused.onnx"), Shipped: true);
        if (File.Exists(shipped.Raw) && File.Exists(shipped.Fused))
        {
            return shipped;
        }

        var cache = Path.Combine(BenchPaths.Root, ".cache", "bench-models");
        var exported = new BenchModels(Path.Combine(cache, Name + ".onnx"), Path.Combine(cache, Name + "-fused.onnx"), Shipped: false);
        if (File.Exists(exported.Raw) && File.Exists(exported.Fused))
        {
            return exported;
        }

        throw new FileNotFoundException($"neither models/{Name}.onnx + -fused.onnx nor the untrained pair in {cache} exist; run `make bench-setup`");
    }
}
