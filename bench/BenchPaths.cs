namespace VideoAnalytics.Bench;

/// <summary>Locates repository files (models, results) from wherever BenchmarkDotNet runs the bench.</summary>
public static class BenchPaths
{
    public static string Root { get; } = FindRoot();

    public static string Model(string file) => Path.Combine(Root, "models", file);

    public static string Results => Path.Combine(Root, "bench", "results");

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
