using System.Globalization;
using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Gateway.Apis;

namespace VideoAnalytics.Gateway.Cameras;

/// <summary>
/// Turns a camera request into a <see cref="CameraSpec"/> or a list of field errors (for a 400 ProblemDetails
/// naming each bad field). The URL, the model and its classes are checked by a silo (<see cref="ICameraSpecCheckGrain"/>):
/// the media roots, the models folder and the sources a camera may open are the silo's, in one process or a cluster.
/// </summary>
public sealed class CameraRequestValidator(IGrainFactory grains)
{
    /// <summary>Validates <paramref name="request"/>; fields it lacks come from <paramref name="existing"/> (PATCH) or defaults.</summary>
    public async Task<(CameraSpec? Spec, Dictionary<string, string[]> Errors)> ValidateAsync(
        CameraRequest request, CameraSpec? existing = null, string? routeId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (id, idError) = ResourceIds.Resolve(request.Id, routeId, existing?.Id);
        if (idError is not null)
        {
            errors["id"] = [idError];
        }

        var url = request.Url ?? existing?.Url;
        var model = request.Model ?? existing?.Model ?? CameraSpec.DefaultModel;
        var tracking = request.Tracking is { } trackingRequest ? ToTracking(trackingRequest, errors) : existing?.Tracking;
        TrackingRules.Validate(tracking, errors);
        var check = await grains.GetGrain<ICameraSpecCheckGrain>(0).CheckAsync(
            string.IsNullOrWhiteSpace(url) ? null : url, model, errors.Keys.Any(k => k.StartsWith(TrackingRules.Field, StringComparison.Ordinal)) ? null : tracking);
        if (string.IsNullOrWhiteSpace(url))
        {
            errors["url"] = ["url is required"];
        }
        else if (check.UrlError is { } urlError)
        {
            errors["url"] = [urlError];
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

        var classes = request.Classes ?? existing?.Classes ?? [];
        var labels = check.Labels;
        if (labels is null)
        {
            errors["model"] = [check.ModelError ?? $"model '{model}' cannot be used"];
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

        var zones = request.Zones is { } zoneRequests ? ToZones(zoneRequests, errors) : existing?.Zones ?? [];
        var lines = request.Lines is { } lineRequests ? ToLines(lineRequests, errors) : existing?.Lines ?? [];
        SceneRules.Validate(zones, lines, labels, classes, errors);
        foreach (var (field, message) in check.TrackingErrors ?? new Dictionary<string, string>())
        {
            errors.TryAdd(field, [message]);
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
            Zones = zones,
            Lines = lines,
            Tracking = tracking,
        }, errors);
    }

    // Whole frame counts, or an error naming the field; an object that sets nothing is no settings at all (null), so
    // a camera sent {} reads back like one that never had any.
    private static TrackingSpec? ToTracking(TrackingRequest request, Dictionary<string, string[]> errors)
    {
        var spec = new TrackingSpec
        {
            HighScore = request.HighScore,
            LowScore = request.LowScore,
            NewTrackScore = request.NewTrackScore,
            MatchCost = request.MatchCost,
            LowMatchCost = request.LowMatchCost,
            TentativeMatchCost = request.TentativeMatchCost,
            BoxBuffer = request.BoxBuffer,
            LostTakeLowScores = request.LostTakeLowScores,
            TrackBuffer = Whole(request.TrackBuffer, "trackBuffer", errors),
            ConfirmHits = Whole(request.ConfirmHits, "confirmHits", errors),
        };
        return spec.IsEmpty() ? null : spec;
    }

    private static int? Whole(double? value, string name, Dictionary<string, string[]> errors)
    {
        if (value is not { } v)
        {
            return null;
        }

        if (Math.Floor(v) == v && v >= int.MinValue && v <= int.MaxValue)
        {
            return (int)v;
        }

        errors[TrackingRules.Name(name)] = [$"{name} must be a whole number of frames"];
        return null;
    }

    // The request's shapes (points as [x, y] pairs) become specs; what the shape itself gets wrong is reported here,
    // the rest (bounds, self-intersection, names, classes) by SceneRules.
    private static List<ZoneSpec> ToZones(IReadOnlyList<ZoneRequest?> requests, Dictionary<string, string[]> errors)
    {
        var zones = new List<ZoneSpec>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"zones[{i}]");
            if (requests[i] is not { } zone)
            {
                errors[field] = ["a zone is an object {name, polygon, classes?, point?}"];
                continue;
            }

            var polygon = new List<FramePoint>(zone.Polygon?.Count ?? 0);
            foreach (var point in zone.Polygon ?? [])
            {
                if (ToPoint(point) is not { } p)
                {
                    errors[field + ".polygon"] = [$"point {polygon.Count} is not a pair [x, y]"];
                    break;
                }

                polygon.Add(p);
            }

            zones.Add(new ZoneSpec
            {
                Name = zone.Name ?? string.Empty,
                Polygon = polygon,
                Classes = [.. zone.Classes ?? []],
                Point = zone.Point ?? ReferencePoint.BottomCenter,
            });
        }

        return zones;
    }

    private static List<LineSpec> ToLines(IReadOnlyList<LineRequest?> requests, Dictionary<string, string[]> errors)
    {
        var lines = new List<LineSpec>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"lines[{i}]");
            if (requests[i] is not { } line)
            {
                errors[field] = ["a line is an object {name, from, to, classes?, point?}"];
                continue;
            }

            var from = ToPoint(line.From);
            var to = ToPoint(line.To);
            if (from is null)
            {
                errors[field + ".from"] = ["from is required: a pair [x, y]"];
            }

            if (to is null)
            {
                errors[field + ".to"] = ["to is required: a pair [x, y]"];
            }

            lines.Add(new LineSpec
            {
                Name = line.Name ?? string.Empty,
                From = from ?? default,
                To = to ?? default,
                Classes = [.. line.Classes ?? []],
                Point = line.Point ?? ReferencePoint.BottomCenter,
            });
        }

        return lines;
    }

    private static FramePoint? ToPoint(double[]? pair) => pair is [var x, var y] ? new FramePoint(x, y) : null;
}
