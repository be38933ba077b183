using System.Globalization;
using System.Text.Json;

namespace VideoAnalytics.Inference.Models;

/// <summary>
/// Reads a <see cref="ModelDescription"/> from ONNX <c>metadata_props</c> (<c>va.</c> keys, string values)
/// or from a sidecar JSON object with the same keys minus the prefix. Errors name the source and the key.
/// </summary>
public static class ModelDescriptionReader
{
    public const string MetadataPrefix = "va.";

    /// <summary>True when <paramref name="metadata"/> carries at least one <c>va.</c> key.</summary>
    public static bool HasDescription(IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var key in metadata.Keys)
        {
            if (key.StartsWith(MetadataPrefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the description from ONNX metadata; <paramref name="source"/> names the file in errors.</summary>
    public static ModelDescription FromMetadata(IReadOnlyDictionary<string, string> metadata, string source, string fallbackName)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            if (key.StartsWith(MetadataPrefix, StringComparison.Ordinal))
            {
                values[key[MetadataPrefix.Length..]] = value;
            }
        }

        return Parse(values, source, MetadataPrefix, fallbackName);
    }

    /// <summary>Reads the description from a sidecar JSON file (an object of the keys without <c>va.</c>).</summary>
    public static ModelDescription FromSidecar(string sidecarPath, string fallbackName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(sidecarPath));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sidecarPath}: not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{sidecarPath}: expected a JSON object of model description keys");
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : property.Value.GetRawText();
            }

            return Parse(values, sidecarPath, string.Empty, fallbackName);
        }
    }

    private static ModelDescription Parse(Dictionary<string, string> values, string source, string prefix, string fallbackName)
    {
        var reader = new KeyReader(values, source, prefix);
        var mean = reader.FloatList("input.mean", [0f, 0f, 0f])!;
        var std = reader.FloatList("input.std", [1f, 1f, 1f])!;
        var variance = reader.FloatList("priors.variance", [0.1f, 0.2f])!;
        if (variance.Count != 2)
        {
            throw reader.Error("priors.variance", "expected two numbers [centre, size]");
        }

        var arch = reader.Text("arch")?.ToUpperInvariant() switch
        {
            null or "REFINEDET" => ModelArch.RefineDet,
            "SSD" => ModelArch.Ssd,
            var other => throw reader.Error("arch", $"expected refinedet or ssd, got '{other}'"),
        };
        var description = new ModelDescription
        {
            Name = reader.Text("name") ?? fallbackName,
            Arch = arch,
            Labels = reader.StringList("labels") ?? throw reader.Missing("labels"),
            Input = new InputSpec
            {
                Width = reader.Int("input.width") ?? throw reader.Missing("input.width"),
                Height = reader.Int("input.height") ?? throw reader.Missing("input.height"),
                ChannelOrder = reader.Text("input.channel_order")?.ToUpperInvariant() switch
                {
                    null or "BGR" => ChannelOrder.Bgr,
                    "RGB" => ChannelOrder.Rgb,
                    var other => throw reader.Error("input.channel_order", $"expected BGR or RGB, got '{other}'"),
                },
                Mean = mean,
                Std = std,
            },
            Priors = new PriorConfig
            {
                FeatureMaps = reader.IntList("priors.feature_maps") ?? throw reader.Missing("priors.feature_maps"),
                Steps = reader.IntList("priors.steps") ?? throw reader.Missing("priors.steps"),
                MinSizes = reader.FloatList("priors.min_sizes", null) ?? throw reader.Missing("priors.min_sizes"),
                MaxSizes = reader.FloatList("priors.max_sizes", []) ?? [],
                AspectRatios = reader.FloatLists("priors.aspect_ratios") ?? throw reader.Missing("priors.aspect_ratios"),
                CenterVariance = variance[0],
                SizeVariance = variance[1],
                Clip = reader.Bool("priors.clip") ?? true,
            },
            OutputForm = reader.Text("output.form")?.ToUpperInvariant() switch
            {
                null or "RAW" => OutputForm.Raw,
                "FUSED" => OutputForm.Fused,
                var other => throw reader.Error("output.form", $"expected raw or fused, got '{other}'"),
            },
            ScoresAreLogits = reader.Text("output.scores")?.ToUpperInvariant() switch
            {
                null or "SOFTMAX" => false,
                "LOGITS" => true,
                var other => throw reader.Error("output.scores", $"expected softmax or logits, got '{other}'"),
            },
            PostProcessing = PostProcessing(reader, arch),
        };

        try
        {
            description.Validate();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: invalid model description: {e.Message}", e);
        }

        return description;
    }

    /// <summary>
    /// The <c>postprocess.*</c> keys; each absent key keeps the reference default of <see cref="DecodeOptions"/>.
    /// Every value is range-checked here so that the error names the key.
    /// </summary>
    private static DecodeOptions PostProcessing(KeyReader reader, ModelArch arch)
    {
        var defaults = DecodeOptions.Default;
        if (arch == ModelArch.Ssd && reader.Text("postprocess.objectness") is not null)
        {
            // Silently ignoring it would let a user believe an SSD filters anchors on objectness.
            throw reader.Error("postprocess.objectness", "an ssd model has no anchor refinement module, so no objectness to threshold; remove the key");
        }

        return new DecodeOptions
        {
            TopKPerClass = reader.Int("postprocess.top_k_per_class") is { } topK
                ? (topK > 0 ? topK : throw reader.Error("postprocess.top_k_per_class", $"expected a positive integer, got {topK}"))
                : defaults.TopKPerClass,
            KeepTopKPerImage = reader.Int("postprocess.keep_top_k") is { } keep
                ? (keep > 0 ? keep : throw reader.Error("postprocess.keep_top_k", $"expected a positive integer, got {keep}"))
                : defaults.KeepTopKPerImage,
            NmsIouThreshold = reader.Float("postprocess.nms_iou") is { } iou
                ? (iou is > 0 and <= 1 ? iou : throw reader.Error("postprocess.nms_iou", $"expected a number in (0, 1], got {Show(iou)}"))
                : defaults.NmsIouThreshold,
            ConfidenceThreshold = reader.Float("postprocess.confidence") is { } confidence
                ? (confidence is >= 0 and < 1 ? confidence : throw reader.Error("postprocess.confidence", $"expected a number in [0, 1), got {Show(confidence)}"))
                : defaults.ConfidenceThreshold,
            ObjectnessThreshold = reader.Float("postprocess.objectness") is { } objectness
                ? (objectness is >= 0 and < 1 ? objectness : throw reader.Error("postprocess.objectness", $"expected a number in [0, 1), got {Show(objectness)}"))
                : defaults.ObjectnessThreshold,
            ClipBoxes = reader.Bool("postprocess.clip") ?? defaults.ClipBoxes,
        };

        static string Show(float value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Typed access to the raw key/value text, with errors that name the key.</summary>
    private sealed class KeyReader(Dictionary<string, string> values, string source, string prefix)
    {
        public string? Text(string key) => values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        public int? Int(string key)
        {
            var text = Text(key);
            if (text is null)
            {
                return null;
            }

            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Error(key, $"expected an integer, got '{text}'");
        }

        public float? Float(string key)
        {
            var text = Text(key);
            if (text is null)
            {
                return null;
            }

            // NaN and infinities parse but are never a threshold: refuse them here, with the key.
            return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value)
                ? value
                : throw Error(key, $"expected a number, got '{text}'");
        }

        public bool? Bool(string key) => Text(key)?.ToUpperInvariant() switch
        {
            null => null,
            "TRUE" or "1" => true,
            "FALSE" or "0" => false,
            var other => throw Error(key, $"expected true or false, got '{other}'"),
        };

        public List<string>? StringList(string key) => Json(key, element =>
        {
            var list = new List<string>();
            foreach (var item in element.EnumerateArray())
            {
                list.Add(item.GetString() ?? throw new FormatException("null label"));
            }

            return list;
        });

        public List<int>? IntList(string key) => Json(key, element =>
        {
            var list = new List<int>();
            foreach (var item in element.EnumerateArray())
            {
                list.Add(item.GetInt32());
            }

            return list;
        });

        public IReadOnlyList<float>? FloatList(string key, IReadOnlyList<float>? fallback) => Json(key, element =>
        {
            var list = new List<float>();
            foreach (var item in element.EnumerateArray())
            {
                // Through double, as Python reads JSON numbers before numpy makes them float32: a decimal such as a
                // mean of 0.485 then rounds to the same float32 on both sides (the network input must match bitwise).
                list.Add((float)item.GetDouble());
            }

            return list;
        }) ?? fallback;

        public IReadOnlyList<IReadOnlyList<float>>? FloatLists(string key) => Json(key, element =>
        {
            var list = new List<IReadOnlyList<float>>();
            foreach (var inner in element.EnumerateArray())
            {
                var ratios = new List<float>();
                foreach (var item in inner.EnumerateArray())
                {
                    ratios.Add(item.GetSingle());
                }

                list.Add(ratios);
            }

            return (IReadOnlyList<IReadOnlyList<float>>)list;
        });

        public InvalidDataException Missing(string key) =>
            new($"{source}: model description lacks '{prefix}{key}' (see models/README.md for the keys)");

        public InvalidDataException Error(string key, string problem) => new($"{source}: '{prefix}{key}': {problem}");

        private T? Json<T>(string key, Func<JsonElement, T> read)
            where T : class
        {
            var text = Text(key);
            if (text is null)
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Array)
                {
                    throw Error(key, $"expected a JSON list, got '{Shorten(text)}'");
                }

                return read(document.RootElement);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                throw Error(key, $"cannot read '{Shorten(text)}' ({e.Message})");
            }
        }

        private static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;
    }
}
