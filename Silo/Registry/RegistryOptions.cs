namespace VideoAnalytics.Silo.Registry;

/// <summary>Configuration section <c>Registry</c> (single-process mode).</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>Folder holding <c>cameras.json</c>; cameras survive restarts through it. Empty keeps cameras in memory only.</summary>
    public string DataDirectory { get; set; } = "data";
}
