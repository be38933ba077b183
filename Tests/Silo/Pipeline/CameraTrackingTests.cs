using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Tracking;
using VideoAnalytics.Silo.Pipeline;

namespace VideoAnalytics.Tests.Silo.Pipeline;

/// <summary>
/// A camera's tracker settings (<see cref="CameraSpec.Tracking"/>) over the silo's: merged field by field into the
/// tracker its frame slot builds, checked together with the silo's, and applied to the running tracker on an edit.
/// </summary>
public sealed class CameraTrackingTests
{
    private static readonly TrackerOptions Silo = TrackerOptions.Default with { TrackBuffer = 60, BoxBuffer = 0.5f };

    private static CameraSpec Camera(TrackingSpec? tracking) => new() { Id = "cam", Url = "demo.mp4", Fps = 30, Tracking = tracking };

    private static Detection Box(double cx) => new(1, 0.9f, (float)(cx - 20), 80, (float)(cx + 20), 120);

    private static int Step(FrameSlot slot, params Detection[] detections)
    {
        var ids = new int[detections.Length];
        slot.Tracker.Update(detections, ids);
        return ids.Length == 0 ? -1 : ids[0];
    }

    [Fact]
    public void Fields_the_camera_sets_replace_the_silos_and_the_rest_stay_the_silos()
    {
        Assert.Same(Silo, CameraTracking.Resolve(Silo, null));
        Assert.Same(Silo, CameraTracking.Resolve(Silo, new TrackingSpec()));
        var resolved = CameraTracking.Resolve(Silo, new TrackingSpec { ConfirmHits = 7, HighScore = 0.55, LostTakeLowScores = false });
        Assert.Equal(Silo with { ConfirmHits = 7, HighScore = 0.55f, LostTakeLowScores = false }, resolved);

        var slot = new FrameSlot(Camera(new TrackingSpec { TrackBuffer = 3 }), _ => { }, Silo);
        Assert.Equal(Silo with { TrackBuffer = 3 }, slot.Tracking);
        Assert.Equal(3, slot.Tracker.LostFrames); // 3 frames at 30 fps, at the camera's 30 fps
    }

    [Fact]
    public void Settings_valid_alone_but_not_with_the_silos_are_named_by_field()
    {
        Assert.Null(CameraTracking.Check(Silo, new TrackingSpec { HighScore = 0.3 }));
        var errors = CameraTracking.Check(Silo, new TrackingSpec { HighScore = 0.05 }); // the silo's low score is 0.1
        Assert.NotNull(errors);
        Assert.Contains("LowScore", Assert.Single(errors, e => e.Key == "tracking.highScore").Value, StringComparison.Ordinal);
        Assert.Equal("tracking.newTrackScore", Assert.Single(CameraTracking.Check(Silo, new TrackingSpec { HighScore = 0.7 })!).Key);

        // A silo configured otherwise than the one that checked the camera runs its own settings rather than failing it.
        var slot = new FrameSlot(Camera(new TrackingSpec { HighScore = 0.05 }), _ => { }, Silo);
        Assert.Same(Silo, slot.Tracking);
        Assert.NotNull(slot.TrackingError);
    }

    [Fact]
    public void Frames_to_confirm_set_on_the_camera_hold_back_ids_and_an_edit_applies_to_the_running_tracker()
    {
        // The silo confirms on the second frame; this camera on the fifth. (An empty first frame: on a tracker's very
        // first frame every track is confirmed at once, whatever the setting.)
        var silo = new FrameSlot(Camera(null), _ => { }, Silo);
        var strict = new FrameSlot(Camera(new TrackingSpec { ConfirmHits = 5 }), _ => { }, Silo);
        Step(silo);
        Step(strict);
        int[] siloIds = [.. Enumerable.Range(0, 6).Select(i => Step(silo, Box(100 + (2 * i))))];
        int[] strictIds = [.. Enumerable.Range(0, 6).Select(i => Step(strict, Box(100 + (2 * i))))];
        Assert.Equal([0, 1, 1, 1, 1, 1], siloIds);
        Assert.Equal([0, 0, 0, 0, 1, 1], strictIds);

        // An edit: the same settings in a new spec (another field edited) change nothing; new settings apply from the
        // next frame, the tracks and their ids stay (no second meaning for an id within the activation).
        Assert.False(strict.RefreshTracking(Camera(new TrackingSpec { ConfirmHits = 5 }) with { MinScore = 0.2 }));
        Assert.True(strict.RefreshTracking(Camera(new TrackingSpec { ConfirmHits = 1, NewTrackScore = 0.95 })));
        Assert.Equal(1, strict.Tracker.Options.ConfirmHits);
        Assert.Equal(1, Step(strict, Box(114))); // the old track goes on

        // A newcomer at 0.9 no longer starts a track (newTrackScore 0.95); back on the silo's settings it does, and
        // is confirmed on its second frame with the next id.
        var newcomer = new Detection(1, 0.9f, 500, 300, 540, 340);
        Assert.Equal([1, 0], Ids(strict, Box(116), newcomer));
        Assert.Equal([1, 0], Ids(strict, Box(118), newcomer));
        Assert.True(strict.RefreshTracking(Camera(null)));
        Assert.Same(Silo, strict.Tracking);
        Assert.Equal([1, 0], Ids(strict, Box(120), newcomer));
        Assert.Equal([1, 2], Ids(strict, Box(122), newcomer));
    }

    private static int[] Ids(FrameSlot slot, params Detection[] detections)
    {
        var ids = new int[detections.Length];
        slot.Tracker.Update(detections, ids);
        return ids;
    }
}
