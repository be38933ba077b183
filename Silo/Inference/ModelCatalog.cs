using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Onnx;

namespace VideoAnalytics.Silo.Inference;

/// <summary>
/// The models a silo can serve: every <c>*.onnx</c> in the models folder, by file name without extension.
/// Detectors are loaded on first use per (model, device) and kept. A model that fails to load is remembered with
/// its reason together with the length and last-write time of its files (the <c>.onnx</c> and its sidecar
/// <c>.json</c>): cameras naming it fail clearly instead of retrying the load per frame, and the first request after
/// the operator fixes or adds a file loads it again, without a restart.
/// </summary>
/// <remarks>
/// A model that loaded is kept as it is even when its file changes later: cameras hold its sessions mid-batch, and
/// swapping them under running cameras is a restart's job.
/// </remarks>
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

    /// <summary>The detector for <paramref name="model"/> on <paramref name="device"/>, or the reason it cannot be had.</summary>
    public bool TryGet(string model, ExecutionDevice device, out RefineDetDetector? detector, out string? error)
    {
        if (!IsValidName(model))
        {
            detector = null;
            error = $"'{model}' is not a valid model name";
            return false;
        }

        var key = (model, device);
        if (_loaded.TryGetValue(key, out var cached) && cached.IsValueCreated && cached.Value.Detector is { } served)
        {
            detector = served; // the per-batch path: no file system access once a model is served
            error = null;
            return true;
        }

        if (!File.Exists(PathOf(model)))
        {
            // Not remembered: any name can arrive in a request, and a file added later is then found at once.
            detector = null;
            error = NotFound(model);
            return false;
        }

        cached = _loaded.GetOrAdd(key, k => new Lazy<LoadResult>(() => Load(k.Model, k.Device)));
        var result = cached.Value;
        if (result.Detector is null && result.Files != FilesOf(model))
        {
            // The files changed since the load failed: one caller replaces the entry, the others then share its load.
            var fresh = new Lazy<LoadResult>(() => Load(model, device));
            result = (_loaded.TryUpdate(key, fresh, cached) ? fresh : _loaded[key]).Value;
        }

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

    /// <summary>Names of the models loaded and served on <paramref name="device"/> now (failed loads not counted), sorted.</summary>
    public IReadOnlyList<string> LoadedOn(ExecutionDevice device)
    {
        var names = new List<string>();
        foreach (var (key, lazy) in _loaded)
        {
            // A load still in progress is not served yet; reading its value here would wait for it.
            if (key.Device == device && lazy.IsValueCreated && lazy.Value.Detector is not null)
            {
                names.Add(key.Model);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
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
        // Read before loading: a file replaced during the load then differs from this and is loaded again.
        var files = FilesOf(model);
        try
        {
            var detector = RefineDetDetector.Load(path, new DetectorOptions
            {
                MaxBatch = _options.MaxBatch,
                Session = new SessionSettings { Device = device, IntraOpThreads = _options.IntraOpThreads, Cuda = _options.Cuda },
            });
            LogLoaded(model, device, detector.Model.OutputForm, detector.Model.Labels.Count - 1);
            return new LoadResult(detector, null, files);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OnnxRuntimeException or ExecutionProviderUnavailableException or ArgumentException)
        {
            var reason = e is FileNotFoundException ? NotFound(model) : $"model '{model}' cannot be loaded: {e.Message}";
            LogLoadFailed(model, device, reason);
            return new LoadResult(null, reason, files);
        }
    }

    private string PathOf(string model) => FileOf(Directory, model);

    private string NotFound(string model) => $"model '{model}' not found: no file {PathOf(model)}; available: {string.Join(", ", Names())}";

    /// <summary>The file a model name is looked up in: <c>&lt;directory&gt;/&lt;model&gt;.onnx</c> (models are named by file).</summary>
    internal static string FileOf(string directory, string model) => Path.Combine(directory, model + ".onnx");

    private ModelFiles FilesOf(string model) => new(FileStamp.Of(PathOf(model)), FileStamp.Of(Path.Combine(Directory, model + ".json")));

    // Names become file names: keep them to a safe alphabet so no name can reach outside the folder.
    internal static bool IsValidName(string model) =>
        !string.IsNullOrEmpty(model) && model.Length <= 128 && model.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && !model.StartsWith('.');

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Loaded model {Model} on {Device} ({Form}, {Classes} classes)")]
    private partial void LogLoaded(string model, ExecutionDevice device, VideoAnalytics.Inference.Models.OutputForm form, int classes);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Model {Model} on {Device}: {Reason}")]
    private partial void LogLoadFailed(string model, ExecutionDevice device, string reason);

    private sealed record LoadResult(RefineDetDetector? Detector, string? Error, ModelFiles Files);

    private readonly record struct ModelFiles(FileStamp Model, FileStamp Sidecar);

    /// <summary>Length and last-write time of a file; both zero when it does not exist.</summary>
    private readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : default;
        }
    }
}
