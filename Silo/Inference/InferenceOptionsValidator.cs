using Microsoft.Extensions.Options;

namespace VideoAnalytics.Silo.Inference;

/// <summary>
/// Checks at start that every model the settings name is a file in <c>Inference:ModelsDirectory</c>: a preload or a
/// detect default naming a missing model is a typo or a forgotten copy, better reported once at start (naming the key
/// and the file looked for) than as every request's 400 or as a preload that silently does nothing.
/// </summary>
/// <remarks>
/// Only that the file exists is checked here; whether it loads is the catalog's to report, with the reason, when the
/// model is used (a broken file is fixed without a restart, see <see cref="ModelCatalog"/>).
/// </remarks>
public sealed class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Tracking?.Validate() is { } tracking)
        {
            return ValidateOptionsResult.Fail($"{InferenceOptions.Section}:{nameof(InferenceOptions.Tracking)}:{tracking}");
        }

        if (options.Tracking is null)
        {
            return ValidateOptionsResult.Fail($"{InferenceOptions.Section}:{nameof(InferenceOptions.Tracking)}: must not be null");
        }

        if (string.IsNullOrWhiteSpace(options.ModelsDirectory))
        {
            return ValidateOptionsResult.Skip; // the data annotations report the missing folder
        }

        var directory = Path.GetFullPath(options.ModelsDirectory);
        var failures = new List<string>();
        Check(failures, directory, $"{InferenceOptions.Section}:{nameof(InferenceOptions.DefaultModel)}", options.DefaultModel);
        foreach (var model in options.Preload)
        {
            Check(failures, directory, $"{InferenceOptions.Section}:{nameof(InferenceOptions.Preload)}", model);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string directory, string key, string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return; // DefaultModel is [Required]; an empty preload entry names nothing
        }

        if (!ModelCatalog.IsValidName(model))
        {
            failures.Add($"{key} names '{model}', which is not a model name (letters, digits, '-', '_', '.'; the file name without .onnx).");
        }
        else if (ModelCatalog.FileOf(directory, model) is var file && !File.Exists(file))
        {
            failures.Add($"{key} names model '{model}', but there is no file {file} (set {InferenceOptions.Section}:{nameof(InferenceOptions.ModelsDirectory)} or copy the model there).");
        }
    }
}
