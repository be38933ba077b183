using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Onnx;

namespace VideoAnalytics.Silo.Inference;

/// <summary>
/// The models a silo can serve: every <c>*.onnx</c> in the models folder, by file name without extension.
/// Detectors are loaded on first use per (model, device) and kept; a model that fails to load is
/// remembered with its reason so cameras naming it fail clearly instead of retrying the load per frame.
/// </summary>
public sealed partial class ModelCatalog : IDisposable
{
    private readonly InferenceOptions _options;
    private readonly ILogger<ModelCatalog> _logger;
    private readonly ConcurrentDictionary<(string Model, ExecutionDevice Device), Lazy<LoadResult>> _loaded = new();

    public ModelCatalog(IOptions<InferenceOptions> options, ILogger<ModelCatalog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        Directory = Path.GetFullPath(_options.ModelsDirectory);
    }

    public string Directory { get; }

    /// <summary>Names of the models present on disk.</summary>
    public IReadOnlyList<string> Names()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var names = new List<string>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.onnx"))
        {
            names.Add(Path.GetFileNameWithoutExtension(file));
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public bool Exists(string model) => IsValidName(model) && File.Exists(PathOf(model));

    /// <summary>The detector for <paramref name="model"/> on <paramref name="device"/>, or the reason it cannot be had.</summary>
    public bool TryGet(string model, ExecutionDevice device, out RefineDetDetector? detector, out string? error)
    {
        if (!IsValidName(model))
        {
            detector = null;
            error = $"'{model}' is not a valid model name";
            return false;
        }

        var result = _loaded.GetOrAdd((model, device), key => new Lazy<LoadResult>(() => Load(key.Model, key.Device))).Value;
        detector = result.Detector;
        error = result.Error;
        return detector is not null;
    }

    /// <summary>
    /// Whether sessions can be created on <paramref name="device"/> at all: loads the first model present on
    /// it. False only when the device's execution provider is unavailable (then <paramref name="reason"/> says
    /// which libraries are missing); a broken model file is the model's problem, not the device's.
    /// </summary>
    public bool IsDeviceUsable(ExecutionDevice device, out string? reason)
    {
        reason = null;
        if (!device.IsCuda)
        {
            return true;
        }

        var names = Names();
        if (names.Count == 0)
        {
            return true;
        }

        try
        {
            RefineDetDetector.Load(PathOf(names[0]), new DetectorOptions { Session = new SessionSettings { Device = device, Cuda = _options.Cuda } }).Dispose();
            return true;
        }
        catch (ExecutionProviderUnavailableException e)
        {
            reason = e.Message;
            return false;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OnnxRuntimeException)
        {
            return true;
        }
    }

    /// <summary>Forgets a failed load so the next request tries again (e.g. the operator replaced the file).</summary>
    public void ForgetFailure(string model, ExecutionDevice device)
    {
        if (_loaded.TryGetValue((model, device), out var lazy) && lazy.IsValueCreated && lazy.Value.Detector is null)
        {
            _loaded.TryRemove((model, device), out _);
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _loaded.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Detector?.Dispose();
            }
        }
    }

    private LoadResult Load(string model, ExecutionDevice device)
    {
        var path = PathOf(model);
        try
        {
            var detector = RefineDetDetector.Load(path, new DetectorOptions
            {
                MaxBatch = _options.MaxBatch,
                Session = new SessionSettings { Device = device, IntraOpThreads = _options.IntraOpThreads, Cuda = _options.Cuda },
            });
            LogLoaded(model, device, detector.Model.OutputForm, detector.Model.Labels.Count - 1);
            return new LoadResult(detector, null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OnnxRuntimeException or ExecutionProviderUnavailableException or ArgumentException)
        {
            var reason = e is FileNotFoundException ? $"model '{model}' not found: no file {path}" : $"model '{model}' cannot be loaded: {e.Message}";
            LogLoadFailed(model, device, reason);
            return new LoadResult(null, reason);
        }
    }

    private string PathOf(string model) => Path.Combine(Directory, model + ".onnx");

    // Names become file names: keep them to a safe alphabet so no name can reach outside the folder.
    private static bool IsValidName(string model) =>
        !string.IsNullOrEmpty(model) && model.Length <= 128 && model.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && !model.StartsWith('.');

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Loaded model {Model} on {Device} ({Form}, {Classes} classes)")]
    private partial void LogLoaded(string model, ExecutionDevice device, VideoAnalytics.Inference.Models.OutputForm form, int classes);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Model {Model} on {Device}: {Reason}")]
    private partial void LogLoadFailed(string model, ExecutionDevice device, string reason);

    private sealed record LoadResult(RefineDetDetector? Detector, string? Error);
}
