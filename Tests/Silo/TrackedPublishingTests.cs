using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoAnalytics.Contracts.Analytics;
using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Contracts.Detections;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Inference.Onnx;
using VideoAnalytics.Silo.Inference;
using VideoAnalytics.Silo.Pipeline;
using VideoAnalytics.Silo.Streams;
using VideoAnalytics.Silo.Telemetry;
using VideoAnalytics.Tests.Models;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Silo;

/// <summary>
/// The tracker in the pipeline: an inference worker running the shipped model on a camera's frames (the demo video at
/// 5 fps) publishes detections that carry track ids, stable from frame to frame; a new activation of the camera (a new
/// slot: a restart, or the camera moving to another silo) starts its ids afresh.
/// </summary>
public sealed class TrackedPublishingTests : IDisposable
{
    private const int Frames = 30;
    private readonly InMemoryDetectionStreams _history = new(Options.Create(new StreamOptions()));
    private readonly ModelCatalog _catalog;
    private readonly PipelineMetrics _metrics = new();
    private readonly InferenceWorker _worker;

    public TrackedPublishingTests()
    {
        var options = new InferenceOptions { MaxBatch = 1, MaxDelay = TimeSpan.FromMilliseconds(1), ModelsDirectory = ShippedModel.RepoFile("models") };
        _catalog = new ModelCatalog(Options.Create(options), NullLogger<ModelCatalog>.Instance);
        _worker = new InferenceWorker("cpu", ExecutionDevice.Cpu, _catalog, options, HistoryOnlyPublisher.Over(_history), _metrics, NullLogger.Instance);
        _worker.Start();
    }

    public void Dispose()
    {
        _worker.Dispose();
        _catalog.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public async Task Published_detections_carry_stable_track_ids_and_a_new_activation_starts_afresh()
    {
        var first = await RunCameraAsync("cam", Frames);
        var idsPerFrame = first.Select(f => f.Detections.Where(d => d.TrackId is not null).Select(d => d.TrackId!.Value).ToList()).ToList();
        foreach (var ids in idsPerFrame)
        {
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }

        // The first frame's objects are confirmed at once: ids 1..n.
        Assert.NotEmpty(idsPerFrame[0]);
        Assert.Equal(Enumerable.Range(1, idsPerFrame[0].Count), idsPerFrame[0].Order());

        // Most shown detections are on a track, and the objects on screen from the start keep their ids throughout.
        var shown = first.Sum(f => f.Detections.Count(d => d.Score >= 0.4));
        var tracked = first.Sum(f => f.Detections.Count(d => d.Score >= 0.4 && d.TrackId is not null));
        Assert.True(tracked >= 0.8 * shown, $"{tracked} of {shown} detections scoring ≥ 0.4 carry a track id");
        var steady = idsPerFrame[0].Count(id => idsPerFrame.Count(ids => ids.Contains(id)) >= Frames - 3);
        Assert.True(steady >= 3, $"only {steady} of the first frame's ids are on (nearly) every frame");

        // A lower-scored detection is published only when it continues a track.
        Assert.All(first.SelectMany(f => f.Detections), d => Assert.True(d.Score >= 0.4 || d.TrackId is not null));

        // The camera again, as a new activation would attach it: a fresh tracker, ids from 1.
        var again = await RunCameraAsync("cam2", 2);
        Assert.Equal(1, again[0].Detections.Where(d => d.TrackId is not null).Min(d => d.TrackId));
    }

    [Fact]
    public async Task A_cameras_own_tracking_settings_are_the_ones_its_frames_are_tracked_with()
    {
        // newTrackScore 1: no detection ever scores it, so no track starts and nothing is published with a track id;
        // the silo's settings (the test above) give most detections one from the first frame on.
        var spec = new CameraSpec { Id = "untracked", Url = "demo.mp4", Tracking = new TrackingSpec { NewTrackScore = 1 } };
        var frames = await RunCameraAsync(spec, 6, _ => { });
        Assert.NotEmpty(frames.SelectMany(f => f.Detections));
        Assert.All(frames.SelectMany(f => f.Detections), d => Assert.Null(d.TrackId));
    }

    [Fact]
    public async Task The_cameras_zones_and_lines_count_its_tracked_objects_as_their_trajectories_say()
    {
        // A zone over the whole picture and a line down its middle, drawn top to bottom: its right-hand side (facing
        // down the picture) is the left half, so right-to-left movement is "in".
        var spec = new CameraSpec
        {
            Id = "scene",
            Url = "demo.mp4",
            Zones = [new ZoneSpec { Name = "all", Polygon = [new(0, 0), new(1, 0), new(1, 1), new(0, 1)] }],
            Lines = [new LineSpec { Name = "middle", From = new(0.5, 0), To = new(0.5, 1) }],
        };
        SceneCounts? counts = null;
        _metrics.Track(spec.Id); // as the camera's capture does: only cameras this silo runs count
        var frames = await RunCameraAsync(spec, Frames, slot => counts = slot.SceneCounts);

        // The reference, from the published frames alone: each track's bottom-centre x, side changes of x = 0.5.
        long expectedIn = 0, expectedOut = 0;
        var lastSide = new Dictionary<int, int>();
        foreach (var frame in frames)
        {
            foreach (var d in frame.Detections.Where(d => d.TrackId is not null))
            {
                var side = Math.Sign(((d.Box.X1 + d.Box.X2) / 2 / frame.Width) - 0.5);
                if (side == 0)
                {
                    continue;
                }

                if (lastSide.TryGetValue(d.TrackId!.Value, out var before) && before != side)
                {
                    _ = side < 0 ? expectedIn++ : expectedOut++;
                }

                lastSide[d.TrackId!.Value] = side;
            }
        }

        Assert.NotNull(counts);
        Assert.True(expectedIn + expectedOut > 0, "the demo's objects never crossed the middle: the test shows nothing");
        Assert.Equal(new LineCount(expectedIn, expectedOut), counts.Lines["middle"]);

        // The crossings counter (va_line_crossings_total) counted each crossing the analyzer reported, by direction.
        Assert.Equal(expectedIn, _metrics.LineCrossings.Total("scene", "middle", "in"));
        Assert.Equal(expectedOut, _metrics.LineCrossings.Total("scene", "middle", "out"));
        _metrics.Forget("scene");
        Assert.Equal(0, _metrics.LineCrossings.Total("scene", "middle", "in") + _metrics.LineCrossings.Total("scene", "middle", "out"));

        // Every crossing counted is also a line.cross event, stored in the history with the frame it was seen on.
        var crossings = frames.Where(f => f.Events is not null).SelectMany(f => f.Events!.Select(e => (Frame: f, Event: e)))
            .Where(x => x.Event.Type == SceneEvent.LineCross).ToList();
        Assert.Equal(expectedIn, crossings.Count(x => x.Event.Direction == "in"));
        Assert.Equal(expectedOut, crossings.Count(x => x.Event.Direction == "out"));
        Assert.All(crossings, x =>
        {
            Assert.Equal(("scene", "middle", x.Frame.FrameIndex, x.Frame.Timestamp), (x.Event.CameraId, x.Event.Name, x.Event.FrameIndex, x.Event.At));
            Assert.Contains(x.Frame.Detections, d => d.TrackId == x.Event.TrackId && d.Label == x.Event.Label);
        });
        Assert.Contains(frames, f => f.Events is null); // a frame where nothing happened carries none

        // Everything on a track in the last frame is in the zone (objects just hidden may still count too).
        var last = frames[^1].Detections.Where(d => d.TrackId is not null).GroupBy(d => d.Label).ToDictionary(g => g.Key, g => g.Count());
        var occupancy = counts.Occupancy["all"];
        Assert.NotEmpty(last);
        foreach (var (label, n) in last)
        {
            Assert.True(occupancy.GetValueOrDefault(label) >= n, $"{label}: {occupancy.GetValueOrDefault(label)} in the zone, {n} tracked in the last frame");
        }
    }

    /// <summary>Offers the demo's 5 fps samples one at a time, each once the previous was published, and returns what was published.</summary>
    private Task<List<DetectionFrame>> RunCameraAsync(string camera, int frames) =>
        RunCameraAsync(new CameraSpec { Id = camera, Url = "demo.mp4" }, frames, _ => { });

    private async Task<List<DetectionFrame>> RunCameraAsync(CameraSpec spec, int frames, Action<FrameSlot> beforeDetach)
    {
        var camera = spec.Id;
        var slot = _worker.Attach(spec);
        try
        {
            using var source = VideoSource.Open(ShippedModel.RepoFile("models/demo.mp4"));
            var buffer = new byte[source.Width * 3 * source.Height];
            var offered = 0;
            for (var index = 0L; offered < frames && source.TryRead(buffer, out var info) == FrameReadResult.Frame; index++)
            {
                if (index % 5 != 0)
                {
                    continue;
                }

                var frame = slot.Rent(info.Width, info.Height);
                buffer.AsSpan(0, frame.Length).CopyTo(frame.Pixels);
                frame.FrameIndex = index;
                frame.Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(index / 25.0);
                frame.CapturedTicks = TimeProvider.System.GetTimestamp();
                slot.Offer(frame);
                offered++;
                var expected = offered;
                await Eventually.UntilAsync(
                    async () => await _history.ReadAsync(camera, null, Frames + 1), entries => entries.Count >= expected, TimeSpan.FromSeconds(60),
                    $"frame {index} of {camera} published");
            }

            var published = await _history.ReadAsync(camera, null, Frames + 1);
            Assert.Equal(frames, published.Count);
            beforeDetach(slot);
            return [.. published.Select(e => e.Frame)];
        }
        finally
        {
            _worker.Detach(slot);
        }
    }
}
