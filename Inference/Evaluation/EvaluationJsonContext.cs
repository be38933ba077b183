using System.Text.Json.Serialization;

namespace VideoAnalytics.Inference.Evaluation;

/// <summary>Source-generated (reflection-free) JSON for the input lines and the result.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(GroundTruthLine))]
[JsonSerializable(typeof(DetectionLine))]
[JsonSerializable(typeof(EvaluationResult))]
[JsonSerializable(typeof(TrackingResult))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
