using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Inference.Models;
using VideoAnalytics.Silo.Cameras;
using VideoAnalytics.Silo.Inference;

namespace VideoAnalytics.Gateway.Cameras;

/// <summary>
/// Turns a camera request into a <see cref="CameraSpec"/> or a list of field errors (for a 400 ProblemDetails
/// naming each bad field). Models and their classes are checked against what the silo can serve.
/// </summary>
public sealed partial class CameraRequestValidator(ModelCatalog models, IOptions<CameraOptions> cameraOptions)
{
    private readonly Dictionary<string, IReadOnlyList<string>> _labels = new(StringComparer.Ordinal);

    /// <summary>Validates <paramref name="request"/>; fields it lacks come from <paramref name="existing"/> (PATCH) or defaults.</summary>
    public (CameraSpec? Spec, Dictionary<string, string[]> Errors) Validate(CameraRequest request, CameraSpec? existing = null, string? routeId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var id = request.Id ?? routeId ?? existing?.Id;
        if (string.IsNullOrEmpty(id))
        {
            errors["id"] = ["id is required"];
        }
        else if (!IdPattern().IsMatch(id))
        {
            errors["id"] = ["id must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"];
        }
        else if (routeId is not null && request.Id is not null && request.Id != routeId)
        {
            errors["id"] = [$"body id '{request.Id}' differs from the URL's '{routeId}'"];
        }

        var url = request.Url ?? existing?.Url;
        if (string.IsNullOrWhiteSpace(url))
        {
            errors["url"] = ["url is required"];
        }
        else
        {
            var source = SourceValidator.Validate(url, cameraOptions.Value.MediaRoots);
            if (!source.IsValid)
            {
                errors["url"] = [source.Error ?? "url is not a supported camera source"];
            }
        }

        var fps = request.Fps ?? existing?.Fps ?? 5;
        if (!(fps >= 0.1 && fps <= 60))
        {
            errors["fps"] = ["fps must be between 0.1 and 60"];
        }

        var minScore = request.MinScore ?? existing?.MinScore ?? 0.4;
        if (!(minScore >= 0 && minScore <= 1))
        {
            errors["minScore"] = ["minScore must be between 0 and 1"];
        }

        var model = request.Model ?? existing?.Model ?? CameraSpec.DefaultModel;
        var classes = request.Classes ?? existing?.Classes ?? [];
        var labels = LabelsOf(model, out var modelError);
        if (labels is null)
        {
            errors["model"] = [modelError ?? $"model '{model}' cannot be used"];
        }
        else
        {
            foreach (var c in classes)
            {
                if (string.IsNullOrWhiteSpace(c) || !labels.Skip(1).Contains(c, StringComparer.OrdinalIgnoreCase))
                {
                    errors["classes"] = [$"unknown class '{c}' for model {model}; known: {string.Join(", ", labels.Skip(1))}"];
                    break;
                }
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new CameraSpec
        {
            Id = id!,
            Url = url!.Trim(),
            Fps = fps,
            Model = model,
            MinScore = minScore,
            Classes = [.. classes],
            Enabled = request.Enabled ?? existing?.Enabled ?? true,
        }, errors);
    }

    /// <summary>Labels of a model (index = class id), or null when the silo cannot load it (<paramref name="error"/> says why).</summary>
    public IReadOnlyList<string>? LabelsOf(string model, out string? error)
    {
        error = null;
        lock (_labels)
        {
            if (_labels.TryGetValue(model, out var cached))
            {
                return cached;
            }
        }

        // Failures are not remembered here: the catalog notices when the file is fixed or added.
        var labels = DescribeModel(model, out error)?.Labels;
        if (labels is not null)
        {
            lock (_labels)
            {
                _labels[model] = labels;
            }
        }

        return labels;
    }

    /// <summary>The description of a loadable model, or null (<paramref name="error"/> says why: the file, what was expected, what was found).</summary>
    public ModelDescription? DescribeModel(string model, out string? error) =>
        models.TryGet(model, VideoAnalytics.Inference.Onnx.ExecutionDevice.Cpu, out var detector, out error) ? detector!.Model : null;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex IdPattern();
}
