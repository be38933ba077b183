using System.Text.RegularExpressions;
using VideoAnalytics.Inference;

namespace VideoAnalytics.Tests.Models;

/// <summary>
/// What the shipped model knows is said where a newcomer looks first: the README's first screen names every label
/// and links the models guide, and the dashboard's Classes field suggests labels the model has (not "person, car",
/// which the API refuses).
/// </summary>
public sealed partial class ShippedLabelsDocumentedTests
{
    private static IReadOnlyList<string> ShippedLabels()
    {
        using var detector = RefineDetDetector.Load(ShippedModel.RepoFile("models/refinedet-lite-320.onnx"));
        return [.. detector.Model.Labels.Skip(1)];
    }

    [Fact]
    public void The_readme_first_screen_names_every_shipped_label_and_links_the_models_guide()
    {
        var firstScreen = string.Join('\n', File.ReadLines(ShippedModel.RepoFile("README.md")).Take(20));
        var labels = ShippedLabels();
        Assert.Equal(6, labels.Count);
        foreach (var label in labels)
        {
            Assert.Contains($"`{label}`", firstScreen, StringComparison.Ordinal);
        }

        Assert.Contains("(models/README.md)", firstScreen, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dashboard_classes_placeholder_suggests_only_shipped_labels()
    {
        var html = File.ReadAllText(ShippedModel.RepoFile("Gateway/wwwroot/index.html"));
        var match = ClassesPlaceholder().Match(html);
        Assert.True(match.Success, "the Classes field has a placeholder");
        var suggested = match.Groups["classes"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(suggested);
        var labels = ShippedLabels();
        Assert.All(suggested, c => Assert.Contains(c, labels));
    }

    [GeneratedRegex(@"id=""cam-classes""[^>]*placeholder=""(?<classes>[^""]*)""")]
    private static partial Regex ClassesPlaceholder();
}
