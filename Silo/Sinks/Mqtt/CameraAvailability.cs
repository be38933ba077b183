using System.Text.Json;
using VideoAnalytics.Contracts.Cameras;

namespace VideoAnalytics.Silo.Sinks.Mqtt;

/// <summary>
/// Reads whether a <see cref="Contracts.Sinks.SinkEventTypes.CameraState"/> message says the camera is online: its JSON
/// carries the camera's state as <c>state</c> (top level, or inside <c>status</c>), a <see cref="CameraState"/> name in any
/// case; <c>streaming</c> is online, every other state offline.
/// </summary>
internal static class CameraAvailability
{
    public const string Online = "online";
    public const string Offline = "offline";

    /// <summary><see cref="Online"/> or <see cref="Offline"/>; null when the payload names no state.</summary>
    public static string? FromPayload(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (!TryState(root, out var state)
                && !(root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object && TryState(status, out state)))
            {
                return null;
            }

            return string.Equals(state, nameof(CameraState.Streaming), StringComparison.OrdinalIgnoreCase) ? Online : Offline;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryState(JsonElement element, out string? state)
    {
        state = element.TryGetProperty("state", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return state is not null;
    }
}
