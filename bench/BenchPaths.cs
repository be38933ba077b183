namespace VideoAnalytics.Bench;

/// <summary>Locates repository files (models, results, caches, peers) from wherever the bench runs.</summary>
public static class BenchPaths
{
    public static string Root { get; } = FindRoot();

    public static string Model(string file) => Path.Combine(Root, "models", file);

    public static string Results => Path.Combine(Root, "bench", "results");

    public static string Peers => Path.Combine(Root, "bench", "peers");

    /// <summary>Git-ignored scratch for generated clips, exported models and tensors shared with peers.</summary>
    public static string Cache(string name)
    {
        var path = Path.Combine(Root, ".cache", name);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VideoAnalytics.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("cannot find the repository root (VideoAnalytics.sln) above " + AppContext.BaseDirectory);
    }
}
