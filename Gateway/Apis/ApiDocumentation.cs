using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using VideoAnalytics.Gateway.Cameras;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>
/// Completes the OpenAPI document (<c>/openapi/v1.json</c>) with what the generator cannot see: the query parameters
/// each route reads and the ProblemDetails responses it can answer, per operation (the routes' <c>WithName</c>).
/// </summary>
/// <remarks>
/// Why a table here rather than parameters in the handlers' signatures: the handlers read the query themselves
/// (<see cref="QueryValues"/>, the subscription parser) so that a bad value is a 400 whose <c>detail</c> starts with
/// the parameter's name, which ASP.NET Core's own binding failure (a bare 400) cannot do. Each shared parameter is
/// written once below. A route added without an entry simply gets no extra parameters; the OpenAPI test names the
/// routes that must have them.
/// </remarks>
public static class ApiDocumentation
{
    private const string ProblemSchema = "ProblemDetails";

    private static readonly QueryParameter From = new("from", "string",
        "Subscriptions: resume after this stream position (an SSE id; Last-Event-ID wins). History and stats: the start of the range, ISO 8601 (default an hour before to).");

    private static readonly QueryParameter To = new("to", "string", "The end of the range, ISO 8601 such as 2026-11-21T08:00:00Z (default now).", "date-time");
    private static readonly QueryParameter Classes = new("classes", "string", "Comma-separated class names to keep (the model's labels, e.g. circle,square); all when omitted.");
    private static readonly QueryParameter MinScore = new("minScore", "number", "Keep detections scoring at least this, 0..1.");
    private static readonly QueryParameter OnlyWithDetections = new("onlyWithDetections", "boolean", "true: skip frames without a detection left after the filters.");
    private static readonly QueryParameter Cameras = new("cameras", "string", "Comma-separated camera ids; all cameras when omitted.");
    private static readonly QueryParameter Limit = new("limit", "integer", "At most this many frames, 1..10000 (default 100).");
    private static readonly QueryParameter Bucket = new("bucket", "string", "Bucket length: 10s, 60s, 5m, 1h (default 60s; at most 1440 buckets).");
    private static readonly QueryParameter GroupBy = new("groupBy", "string",
        "class (default): detections per class; line: line crossings in/out per line (camera/name), also per class; zone: zone entries, exits and the exits' mean dwell per zone (camera/name), also per class. Scene counts come from the events stored in the frames of the range.");
    private static readonly QueryParameter Model = new("model", "string", "The model to run (a file name in Inference:ModelsDirectory); default Inference:DefaultModel.");

    private static readonly QueryParameter Boxes = new("boxes", "boolean", "false: the picture without boxes drawn, for a viewer that draws them itself (default true).");

    private static readonly QueryParameter[] Subscription = [From, Classes, MinScore, OnlyWithDetections];
    private static readonly QueryParameter Types = new("types", "string", "Comma-separated event types to keep: zone.enter, zone.exit, line.cross; all when omitted.");
    private static readonly QueryParameter Type = new("type", "string", "Comma-separated event types to keep: zone.enter, zone.exit, line.cross; all when omitted.");
    private static readonly QueryParameter Zone = new("zone", "string", "Comma-separated zone or line names to keep (case-insensitive); all when omitted.");
    private static readonly QueryParameter EventLimit = new("limit", "integer", "At most this many events, 1..10000 (default 100).");
    private static readonly QueryParameter[] EventSubscription = [From, Types, Zone];

    /// <summary>Operation id → (query parameters, problem responses besides 401/403).</summary>
    private static readonly Dictionary<string, (QueryParameter[] Query, int[] Problems)> Operations = new(StringComparer.Ordinal)
    {
        ["GetCamera"] = ([], [404]),
        ["CreateCamera"] = ([], [400, 409, 413, 415]),
        ["ReplaceCamera"] = ([], [400, 404, 413, 415]),
        ["PatchCamera"] = ([], [400, 404, 413, 415]),
        ["DeleteCamera"] = ([], [404]),
        ["GetSink"] = ([], [404]),
        ["CreateSink"] = ([], [400, 409, 413, 415]),
        ["ReplaceSink"] = ([], [400, 404, 413, 415]),
        ["PatchSink"] = ([], [400, 404, 413, 415]),
        ["DeleteSink"] = ([], [404]),
        ["StreamCameraDetections"] = (Subscription, [400, 404]),
        ["StreamDetections"] = ([Cameras, .. Subscription], [400, 404]),
        ["StreamDetectionsWebSocket"] = ([Cameras, .. Subscription], [400, 404]),
        ["GetCameraHistory"] = ([From, To, Classes, Limit], [400, 404]),
        ["StreamCameraEvents"] = (EventSubscription, [400, 404]),
        ["StreamEvents"] = ([Cameras, .. EventSubscription], [400, 404]),
        ["StreamEventsWebSocket"] = ([Cameras, .. EventSubscription], [400, 404]),
        ["GetCameraEventHistory"] = ([From, To, Type, Zone, EventLimit], [400, 404]),
        ["GetDetectionStats"] = ([Cameras, From, To, Bucket, GroupBy], [400, 404]),
        ["DetectImage"] = ([Model, MinScore], [400, 413, 415]),
        ["GetCameraSnapshot"] = ([Boxes], [400, 404, 503]),
        ["GetCameraLiveMjpeg"] = ([Boxes], [400, 404, 503]),
    };

    /// <summary>
    /// The camera body's <c>tracking</c> object (<see cref="TrackingRequest"/>), field → meaning, range and the silo
    /// setting a field left out (or null) falls back to. Kept beside the query table: the same need, a body's fields
    /// whose ranges a 400 names (<c>tracking.matchCost</c>) described where the generator sees only their types.
    /// </summary>
    private static readonly Dictionary<string, string> TrackingFields = new(StringComparer.Ordinal)
    {
        ["highScore"] = "Detections scoring at least this take part in the first association; 0..1, at least lowScore (silo: Inference:Tracking:HighScore, 0.5).",
        ["lowScore"] = "Detections scoring at least this (below highScore) only continue tracks; 0..1 (silo: LowScore, 0.1).",
        ["newTrackScore"] = "An unmatched detection starts a track only when it scores at least this; highScore..1 (silo: NewTrackScore, 0.6).",
        ["matchCost"] = "Largest cost 1 − IoU·score at which a confirmed or lost track takes a high detection; 0..1 (silo: MatchCost, 0.8).",
        ["lowMatchCost"] = "Largest cost 1 − IoU at which a track takes a low detection; 0..1 (silo: LowMatchCost, 0.5).",
        ["tentativeMatchCost"] = "Largest cost 1 − IoU·score at which a not yet confirmed track takes a high detection; 0..1 (silo: TentativeMatchCost, 0.7).",
        ["boxBuffer"] = "Boxes are widened by this fraction of their size on every side before IoU is taken; 0..5 (silo: BoxBuffer, 1.0).",
        ["lostTakeLowScores"] = "Whether lost tracks may take low-score detections (silo: LostTakeLowScores, true).",
        ["trackBuffer"] = "Frames a lost track is kept at 30 fps, scaled to the camera's fps; whole, 1..10000 (silo: TrackBuffer, 30).",
        ["confirmHits"] = "Consecutive matched frames after which a track is confirmed and its detections get its trackId; whole, 1..100 (silo: ConfirmHits, 2).",
    };

    private const string TrackingDescription =
        "The camera's own object-tracker settings; each field left out or null is the silo's (Inference:Tracking:*). Sent on PATCH it replaces the "
        + "camera's tracking object as a whole ({} goes back to the silo's for every field); an edit applies to the running camera from its next "
        + "frame, keeping its tracks and their ids.";

    private static readonly Dictionary<int, string> Reasons = new()
    {
        [400] = "A bad query value or body; detail names the field.",
        [404] = "No such camera (or sink, for /api/sinks).",
        [409] = "A camera (or sink, for /api/sinks) with this id exists.",
        [413] = "The body is over Security:MaxRequestBodyBytes.",
        [415] = "The body's media type is not one this route takes.",
        [503] = "No analysed frame arrived within Live:FrameTimeout.",
    };

    /// <summary>Adds the transformer to the OpenAPI options.</summary>
    public static OpenApiOptions AddApiDocumentation(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddOperationTransformer(TransformAsync).AddSchemaTransformer(DescribeTracking);
    }

    private static Task DescribeTracking(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type == typeof(TrackingRequest))
        {
            schema.Description = TrackingDescription;
            foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                if (TrackingFields.TryGetValue(name, out var description) && property is OpenApiSchema described)
                {
                    described.Description = description;
                }
            }
        }

        return Task.CompletedTask;
    }

    private static async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId is null || !Operations.TryGetValue(operation.OperationId, out var described))
        {
            return;
        }

        foreach (var query in described.Query)
        {
            operation.Parameters ??= [];
            if (!operation.Parameters.Any(p => p.Name == query.Name && p.In == ParameterLocation.Query))
            {
                operation.Parameters.Add(query.ToOpenApi());
            }
        }

        if (described.Problems.Length == 0)
        {
            return;
        }

        var document = context.Document;
        if (document is not null)
        {
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            if (!document.Components.Schemas.ContainsKey(ProblemSchema))
            {
                document.Components.Schemas[ProblemSchema] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
            }
        }

        operation.Responses ??= [];
        foreach (var status in described.Problems)
        {
            var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(code) && status == 400)
            {
                continue; // the generator's own 400 (a validation problem) stays
            }

            operation.Responses[code] = new OpenApiResponse
            {
                Description = Reasons[status],
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
                },
            };
        }
    }

    private sealed record QueryParameter(string Name, string Type, string Description, string? Format = null)
    {
        public OpenApiParameter ToOpenApi() => new()
        {
            Name = Name,
            In = ParameterLocation.Query,
            Required = false,
            Description = Description,
            Schema = new OpenApiSchema
            {
                Type = Type switch
                {
                    "number" => JsonSchemaType.Number,
                    "integer" => JsonSchemaType.Integer,
                    "boolean" => JsonSchemaType.Boolean,
                    _ => JsonSchemaType.String,
                },
                Format = Format,
            },
        };
    }
}
