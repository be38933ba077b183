using System.Text.Json;
using VideoAnalytics.Contracts.Detections;

namespace VideoAnalytics.Tests.Silo.Cluster;

/// <summary>
/// A client of the gateway's per-camera Server-Sent Events stream that records every frame with its position, and
/// reconnects with <c>Last-Event-ID</c> (as a browser's EventSource does) if the connection drops.
/// </summary>
internal sealed class DetectionSubscriber : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _client;
    private readonly string _camera;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Received> _frames = [];
    private readonly Task _loop;

    private DetectionSubscriber(Uri gateway, string camera, string? from)
    {
        _client = new HttpClient { BaseAddress = gateway, Timeout = Timeout.InfiniteTimeSpan };
        _camera = camera;
        LastPosition = from;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public string? LastPosition { get; private set; }

    public int Reconnects { get; private set; }

    public static DetectionSubscriber Start(Uri gateway, string camera, string? from = null) => new(gateway, camera, from);

    public IReadOnlyList<Received> Frames
    {
        get
        {
            lock (_frames)
            {
                return [.. _frames];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/cameras/{_camera}/detections");
                if (LastPosition is not null)
                {
                    request.Headers.Add("Last-Event-ID", LastPosition);
                }

                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                string? id = null;
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        id = line[4..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && id is not null)
                    {
                        var frame = JsonSerializer.Deserialize<DetectionFrame>(line[6..], Json)!;
                        lock (_frames)
                        {
                            _frames.Add(new Received(id, frame.Epoch, frame.FrameIndex, frame.CameraId!));
                        }

                        LastPosition = id;
                        id = null;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // the gateway went away (restarting): reconnect below, resuming after the last position
            }

            Reconnects++;
            try
            {
                await Task.Delay(200, cancellationToken); // reconnect pacing, as EventSource's retry
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal sealed record Received(string Position, long Epoch, long FrameIndex, string Camera);
}
