using VideoAnalytics.Inference.Models;
using Microsoft.ML.OnnxRuntime.Tensors;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Inference.Processing;

namespace VideoAnalytics.Inference;

/// <summary>
/// A loaded RefineDet or SSD model ready to detect objects in batches of BGR frames, raw or fused form alike.
/// (The name predates SSD support; the arch is <see cref="ModelDescription.Arch"/>.)
/// Thread-safe (calls are serialized: one session run at a time per detector). Buffers are pinned, bound to the
/// session once per batch size and reused, so a raw model's steady state allocates nothing (a fused model's output
/// is sized by ORT per run: a few small objects per batch). Dispose releases the native session.
/// </summary>
public sealed class RefineDetDetector : IDisposable
{
    private const string FusedOutputName = "detections";

    private readonly Lock _gate = new();
    private readonly OnnxSession _session;
    private readonly FramePreprocessor _preprocessor;
    private readonly RefineDetDecoder? _decoder;
    private readonly DecodeOptions _decode;
    private readonly int[] _outputOrder; // for raw models: session output index of each of Model.RawOutputs
    private readonly int _fusedOutput;
    private readonly int _fixedBatch;    // > 0 when the model's batch dimension is static
    private readonly BatchBuffers?[] _buffers;
    private float[] _fusedRows = new float[7 * 256];
    private bool _disposed;

    private RefineDetDetector(OnnxSession session, ModelDescription model, string descriptionSource, DetectorOptions options)
    {
        _session = session;
        Model = model;
        DescriptionSource = descriptionSource;
        _decode = ResolvePostProcessing(session.ModelPath, model, options.Decode);
        _preprocessor = new FramePreprocessor(model.Input);
        var priors = PriorBoxes.Create(model.Priors, model.Input.Width, model.Input.Height);
        AnchorCount = priors.Count;
        _fixedBatch = ValidateInput(session, model);
        MaxBatch = _fixedBatch > 0 ? _fixedBatch : options.MaxBatch;
        _buffers = new BatchBuffers?[MaxBatch + 1];
        if (model.OutputForm == OutputForm.Raw)
        {
            _outputOrder = ValidateRawOutputs(session, model, priors.Count);
            _decoder = new RefineDetDecoder(priors, model.ClassCount, model.Priors.CenterVariance, model.Priors.SizeVariance, _decode, model.ScoresAreLogits);
            _fusedOutput = -1;
        }
        else
        {
            _outputOrder = [];
            _fusedOutput = ValidateFusedOutput(session);
        }
    }

    public ModelDescription Model { get; }

    /// <summary>Where <see cref="Model"/> came from: the file's <c>va.</c> metadata, a sidecar (its path), or the caller.</summary>
    public string DescriptionSource { get; }

    public string ModelPath => _session.ModelPath;

    public ExecutionDevice Device => _session.Device;

    /// <summary>The ONNX graph's inputs as ONNX Runtime reports them.</summary>
    public IReadOnlyList<TensorInfo> Inputs => _session.Inputs;

    /// <summary>The ONNX graph's outputs as ONNX Runtime reports them.</summary>
    public IReadOnlyList<TensorInfo> Outputs => _session.Outputs;

    public int AnchorCount { get; }

    /// <summary>The post-processing in effect: the description's, or the override of <see cref="DetectorOptions.Decode"/>.</summary>
    public DecodeOptions PostProcessing => _decode;

    /// <summary>Frames per model run; <see cref="Detect"/> splits larger calls.</summary>
    public int MaxBatch { get; }

    /// <summary>
    /// Loads a RefineDet ONNX model. The description comes from <see cref="DetectorOptions.Description"/>,
    /// else the file's <c>va.</c> metadata, else a sidecar <c>&lt;model&gt;.json</c>. Every failure names the file
    /// and what was expected.
    /// </summary>
    public static RefineDetDetector Load(string modelPath, DetectorOptions? options = null)
    {
        options ??= new DetectorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatch, 1, nameof(options));
        options.Decode?.Validate();
        var session = OnnxSession.Load(modelPath, options.Session);
        try
        {
            var (model, source) = options.Description is { } given ? (given, "DetectorOptions.Description") : Describe(session, modelPath);
            model.Validate();
            return new RefineDetDetector(session, model, source, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Detects objects in each frame of <paramref name="frames"/>; results go to <paramref name="results"/>
    /// (frame i's detections at <c>results[i]</c>, in that frame's pixels, highest score first).
    /// </summary>
    public void Detect(ReadOnlySpan<BgrFrame> frames, DetectionBatch results)
    {
        ArgumentNullException.ThrowIfNull(results);
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i].Validate(nameof(frames));
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            results.Reset(frames.Length, _decode.KeepTopKPerImage);
            for (var start = 0; start < frames.Length; start += MaxBatch)
            {
                var count = Math.Min(MaxBatch, frames.Length - start);
                RunBatch(frames.Slice(start, count), start, results);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var buffers in _buffers)
            {
                buffers?.Dispose();
            }

            _session.Dispose();
        }
    }

    private void RunBatch(ReadOnlySpan<BgrFrame> frames, int firstResult, DetectionBatch results)
    {
        var batch = _fixedBatch > 0 ? _fixedBatch : frames.Length;
        var buffers = _buffers[batch] ??= new BatchBuffers(_session, batch, Model, AnchorCount, _outputOrder, _fusedOutput);
        var input = buffers.Input.Data;
        var perFrame = _preprocessor.FrameTensorLength;
        for (var i = 0; i < frames.Length; i++)
        {
            _preprocessor.Process(frames[i], input.Slice(i * perFrame, perFrame));
        }

        input[(frames.Length * perFrame)..].Clear(); // padding of a static batch

        if (_decoder is not null)
        {
            buffers.Binding.Run();
            var p = AnchorCount;
            var c = Model.ClassCount;
            var ssd = Model.Arch == ModelArch.Ssd;
            for (var i = 0; i < frames.Length; i++)
            {
                var n = ssd
                    ? _decoder.Decode(
                        buffers.Raw[0].Data.Slice(i * p * 4, p * 4),
                        buffers.Raw[1].Data.Slice(i * p * c, p * c),
                        frames[i].Width,
                        frames[i].Height,
                        results.Slot(firstResult + i))
                    : _decoder.Decode(
                        buffers.Raw[0].Data.Slice(i * p * 4, p * 4),
                        buffers.Raw[1].Data.Slice(i * p * 2, p * 2),
                        buffers.Raw[2].Data.Slice(i * p * 4, p * 4),
                        buffers.Raw[3].Data.Slice(i * p * c, p * c),
                        frames[i].Width,
                        frames[i].Height,
                        results.Slot(firstResult + i));
                results.SetCount(firstResult + i, n);
            }
        }
        else
        {
            // The output's shape was checked at load ([N,7] floats), so its length alone gives N.
            var count = buffers.Binding.RunAndCopyOutput(ref _fusedRows);
            FusedOutputReader.Read(_fusedRows.AsSpan(0, count), frames, Model.ClassCount, _decode, results, firstResult);
        }
    }

    private static (ModelDescription Description, string Source) Describe(OnnxSession session, string modelPath)
    {
        var fallbackName = Path.GetFileNameWithoutExtension(modelPath);
        if (ModelDescriptionReader.HasDescription(session.Metadata))
        {
            return (ModelDescriptionReader.FromMetadata(session.Metadata, modelPath, fallbackName), "va. metadata in the model file");
        }

        foreach (var sidecar in new[] { Path.ChangeExtension(modelPath, ".json"), modelPath + ".json" })
        {
            if (File.Exists(sidecar))
            {
                return (ModelDescriptionReader.FromSidecar(sidecar, fallbackName), $"sidecar {sidecar}");
            }
        }

        throw new InvalidDataException(
            $"{modelPath}: no model description: the file has no 'va.' metadata and there is no sidecar {Path.ChangeExtension(modelPath, ".json")} (see models/README.md)");
    }

    private static int ValidateInput(OnnxSession session, ModelDescription model)
    {
        var expected = $"one float input [B,3,{model.Input.Height},{model.Input.Width}]";
        if (session.Inputs.Count != 1)
        {
            throw new InvalidDataException($"{session.ModelPath}: has {session.Inputs.Count} inputs ({string.Join("; ", session.Inputs)}), expected {expected}");
        }

        var input = session.Inputs[0];
        var s = input.Shape;
        if (input.ElementType != TensorElementType.Float || s.Count != 4 || (s[1] > 0 && s[1] != 3)
            || (s[2] > 0 && s[2] != model.Input.Height) || (s[3] > 0 && s[3] != model.Input.Width))
        {
            throw new InvalidDataException($"{session.ModelPath}: input is {input}, expected {expected}");
        }

        return s[0] > 0 ? (int)s[0] : 0;
    }

    /// <summary>
    /// The post-processing a detector applies. A fused graph already ran top-k per class, objectness filtering and
    /// NMS with the values it was exported with (which its description states), so an override may only change
    /// what runs after the graph; confidence may only rise, because rows the graph dropped cannot come back.
    /// </summary>
    private static DecodeOptions ResolvePostProcessing(string modelPath, ModelDescription model, DecodeOptions? requested)
    {
        var own = model.PostProcessing;
        if (requested is null || model.OutputForm == OutputForm.Raw)
        {
            return requested ?? own;
        }

        void Refuse(string key, string have, string want) => throw new InvalidDataException(
            $"{modelPath}: fused model: the graph applies postprocess.{key} {have} (fixed at export, stated in its description); "
            + $"{want} was requested. Export the model again with that value, or use its raw form.");

        if (requested.TopKPerClass != own.TopKPerClass)
        {
            Refuse("top_k_per_class", Show(own.TopKPerClass), Show(requested.TopKPerClass));
        }

        if (requested.NmsIouThreshold != own.NmsIouThreshold)
        {
            Refuse("nms_iou", Show(own.NmsIouThreshold), Show(requested.NmsIouThreshold));
        }

        if (model.Arch == ModelArch.RefineDet && requested.ObjectnessThreshold != own.ObjectnessThreshold)
        {
            Refuse("objectness", Show(own.ObjectnessThreshold), Show(requested.ObjectnessThreshold));
        }

        if (requested.ConfidenceThreshold < own.ConfidenceThreshold)
        {
            Refuse("confidence", Show(own.ConfidenceThreshold), $"a lower confidence {Show(requested.ConfidenceThreshold)}");
        }

        // A higher confidence filtered after the graph gives what the graph would have given with it: greedy NMS
        // only lets a box suppress lower-scored ones, and top-k keeps the highest scores.
        return requested;

        static string Show<T>(T value)
            where T : IFormattable => value.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int[] ValidateRawOutputs(OnnxSession session, ModelDescription model, int anchors)
    {
        var outputs = model.RawOutputs;
        var order = new int[outputs.Count];
        for (var k = 0; k < outputs.Count; k++)
        {
            var index = IndexOf(session, outputs[k].Name);
            var expected = $"{outputs[k].Name} [B,{anchors},{outputs[k].Width}]";
            if (index < 0)
            {
                var names = new List<string>();
                foreach (var output in outputs)
                {
                    names.Add(output.Name);
                }

                throw new InvalidDataException(
                    $"{session.ModelPath}: a raw {ArchName(model.Arch)} model needs outputs {string.Join(", ", names)}; it has {string.Join("; ", session.Outputs)}");
            }

            var info = session.Outputs[index];
            var s = info.Shape;
            if (info.ElementType != TensorElementType.Float || s.Count != 3 || (s[1] > 0 && s[1] != anchors) || (s[2] > 0 && s[2] != outputs[k].Width))
            {
                throw new InvalidDataException(
                    $"{session.ModelPath}: output is {info}, expected {expected} ({anchors} anchors from the prior configuration, {model.ClassCount} classes from the labels)");
            }

            order[k] = index;
        }

        return order;
    }

    private static int ValidateFusedOutput(OnnxSession session)
    {
        var index = IndexOf(session, FusedOutputName);
        if (index < 0 && session.Outputs.Count == 1)
        {
            index = 0;
        }

        if (index < 0)
        {
            throw new InvalidDataException($"{session.ModelPath}: a fused model needs an output '{FusedOutputName}' [N,7]; it has {string.Join("; ", session.Outputs)}");
        }

        var s = session.Outputs[index].Shape;
        if (session.Outputs[index].ElementType != TensorElementType.Float || s.Count != 2 || (s[1] > 0 && s[1] != FusedOutputReader.RowLength))
        {
            throw new InvalidDataException($"{session.ModelPath}: output is {session.Outputs[index]}, expected {FusedOutputName} [N,7]");
        }

        return index;
    }

    private static string ArchName(ModelArch arch) => arch == ModelArch.Ssd ? "SSD" : "RefineDet";

    private static int IndexOf(OnnxSession session, string name)
    {
        for (var i = 0; i < session.Outputs.Count; i++)
        {
            if (session.Outputs[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
