using VideoAnalytics.Inference;
using VideoAnalytics.Inference.Tracking;
using VideoAnalytics.Tests.Support;

namespace VideoAnalytics.Tests.Inference.Tracking;

/// <summary>Scripted scenes through <see cref="ObjectTracker"/>: what ids come out, frame by frame.</summary>
public sealed class ObjectTrackerTests
{
    private const int Circle = 1;
    private const int Square = 2;

    private static Detection Box(int classId, double cx, double cy, double size = 40, float score = 0.9f) =>
        new(classId, score, (float)(cx - (size / 2)), (float)(cy - (size / 2)), (float)(cx + (size / 2)), (float)(cy + (size / 2)));

    /// <summary>Feeds one frame and returns the ids of its detections (0: none).</summary>
    private static int[] Step(ObjectTracker tracker, params Detection[] detections)
    {
        var ids = new int[detections.Length];
        tracker.Update(detections, ids);
        return ids;
    }

    [Fact]
    public void Objects_on_the_first_frame_are_confirmed_at_once_and_later_ones_on_their_second_frame()
    {
        var tracker = new ObjectTracker();
        var first = Step(tracker, Box(Circle, 100, 100), Box(Square, 400, 100));
        Assert.Equal([1, 2], first);

        // A newcomer is tentative on its first frame (no id) and confirmed on its second.
        var second = Step(tracker, Box(Circle, 105, 100), Box(Square, 405, 100), Box(Circle, 800, 400));
        Assert.Equal([1, 2, 0], second);
        Assert.Equal(1, tracker.Count(TrackState.Tentative));
        var third = Step(tracker, Box(Circle, 110, 100), Box(Square, 410, 100), Box(Circle, 805, 400));
        Assert.Equal([1, 2, 3], third);
    }

    [Fact]
    public void New_settings_apply_from_the_next_frame_keeping_tracks_and_ids_and_bad_ones_are_refused()
    {
        var tracker = new ObjectTracker(TrackerOptions.Default, fps: 30);
        Assert.Equal([1], Step(tracker, Box(Circle, 100, 100)));
        tracker.Options = TrackerOptions.Default with { ConfirmHits = 3, TrackBuffer = 90 };
        Assert.Equal(90, tracker.LostFrames); // rescaled at the tracker's fps
        Assert.Equal([1, 0], Step(tracker, Box(Circle, 104, 100), Box(Square, 600, 300)));
        Assert.Equal([1, 0], Step(tracker, Box(Circle, 108, 100), Box(Square, 604, 300))); // 2 of 3 hits now
        Assert.Equal([1, 2], Step(tracker, Box(Circle, 112, 100), Box(Square, 608, 300)));

        var error = Assert.Throws<ArgumentException>(() => tracker.Options = TrackerOptions.Default with { LowScore = 0.9f });
        Assert.Contains("HighScore", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, tracker.Options.ConfirmHits);
    }

    [Fact]
    public void Two_objects_of_one_class_crossing_keep_their_ids()
    {
        // Two circles on nearly the same row move towards each other at 12 px/frame, pass through each other (their
        // boxes overlap for several frames) and go on: the predicted motion keeps each on its own track.
        var tracker = new ObjectTracker(fps: 30);
        var left = 0;
        var right = 0;
        for (var f = 0; f < 40; f++)
        {
            var a = Box(Circle, 100 + (12 * f), 300);
            var b = Box(Circle, 580 - (12 * f), 306);
            var ids = Step(tracker, a, b);
            if (f == 0)
            {
                (left, right) = (ids[0], ids[1]);
                Assert.NotEqual(left, right);
                continue;
            }

            Assert.True(ids[0] == left && ids[1] == right, $"frame {f}: ids {ids[0]}, {ids[1]}; expected {left}, {right}");
        }
    }

    [Fact]
    public void Objects_of_different_classes_never_take_each_others_track()
    {
        // A circle and a square swap places from one frame to the next: by position each would fit the other's track,
        // but a track only takes its own class.
        var tracker = new ObjectTracker();
        Assert.Equal([1, 2], Step(tracker, Box(Circle, 100, 100), Box(Square, 110, 100)));
        Assert.Equal([1, 2], Step(tracker, Box(Circle, 110, 100), Box(Square, 100, 100)));
        Assert.Equal([2, 1], Step(tracker, Box(Square, 110, 100), Box(Circle, 100, 100)));
    }

    [Fact]
    public void An_object_hidden_for_a_few_frames_comes_back_with_its_id()
    {
        // A circle moving right at 8 px/frame disappears for 5 frames (hidden behind something) and reappears where its
        // motion puts it: the lost track was predicted along and takes it back.
        var tracker = new ObjectTracker(fps: 30);
        var other = Box(Square, 900, 600);
        int id = 0;
        for (var f = 0; f < 25; f++)
        {
            var hidden = f is >= 10 and < 15;
            var ids = hidden ? Step(tracker, other) : Step(tracker, Box(Circle, 100 + (8 * f), 200), other);
            if (f == 0)
            {
                id = ids[0];
            }
            else if (hidden)
            {
                Assert.Equal(1, tracker.Count(TrackState.Lost));
            }
            else
            {
                Assert.Equal(id, ids[0]);
            }
        }
    }

    [Fact]
    public void A_low_score_detection_continues_a_track_but_never_starts_one()
    {
        var tracker = new ObjectTracker();
        Assert.Equal([1], Step(tracker, Box(Circle, 100, 100)));

        // Half hidden, the circle scores 0.3: under the high threshold, still its track's. A lone 0.3 elsewhere starts nothing.
        Assert.Equal([1, 0], Step(tracker, Box(Circle, 104, 100, score: 0.3f), Box(Square, 700, 500, score: 0.3f)));
        Assert.Equal([1, 0], Step(tracker, Box(Circle, 108, 100, score: 0.3f), Box(Square, 700, 500, score: 0.3f)));
        Assert.Equal(0, tracker.Count(TrackState.Tentative));

        // Under the low threshold a detection is ignored altogether.
        Assert.Equal([0], Step(tracker, Box(Circle, 112, 100, score: 0.05f)));
        Assert.Equal(1, tracker.Count(TrackState.Lost));
    }

    [Fact]
    public void An_object_that_leaves_is_removed_after_the_track_buffer_and_a_newcomer_gets_a_new_id()
    {
        // At 5 fps the buffer of 30 frames at 30 fps is 5 frames.
        var tracker = new ObjectTracker(fps: 5);
        Assert.Equal(5, tracker.LostFrames);
        Assert.Equal([1], Step(tracker, Box(Circle, 100, 100)));
        Assert.Equal([1], Step(tracker, Box(Circle, 100, 100)));
        for (var f = 0; f < 5; f++)
        {
            Step(tracker);
            Assert.Equal(1, tracker.Count(TrackState.Lost));
        }

        Step(tracker);
        Assert.Equal(0, tracker.Count(TrackState.Lost));

        // Back at the same place after the buffer: a new object as far as the tracker knows, with a new id.
        Assert.Equal([0], Step(tracker, Box(Circle, 100, 100)));
        Assert.Equal([2], Step(tracker, Box(Circle, 100, 100)));
    }

    [Fact]
    public void A_tentative_track_that_misses_a_frame_is_dropped()
    {
        var tracker = new ObjectTracker();
        Step(tracker, Box(Circle, 100, 100));
        Assert.Equal([1, 0], Step(tracker, Box(Circle, 100, 100), Box(Square, 600, 300)));
        Assert.Equal([1], Step(tracker, Box(Circle, 100, 100)));
        Assert.Equal(0, tracker.Count(TrackState.Tentative));
        Assert.Equal([1, 0], Step(tracker, Box(Circle, 100, 100), Box(Square, 600, 300)));
    }

    [Fact]
    public void Invalid_settings_are_refused_naming_the_setting()
    {
        var e = Assert.Throws<ArgumentException>(() => new ObjectTracker(new TrackerOptions { HighScore = 0.05f }));
        Assert.StartsWith("HighScore", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_allocates_nothing_per_frame()
    {
        // Twenty objects of three classes moving at different speeds, a few flickering in and out so that tracks are
        // lost, found, started and removed in the measured frames too.
        var tracker = new ObjectTracker(fps: 5);
        var detections = new Detection[20];
        var ids = new int[20];
        var frame = 0;
        void Frame()
        {
            var n = 0;
            for (var k = 0; k < 20; k++)
            {
                if ((k % 7 == 3) && (frame + k) % 5 == 0)
                {
                    continue;
                }

                detections[n++] = Box(1 + (k % 3), 50 + (60 * k) + ((k % 4) * frame), 100 + (25 * k) + frame, 30 + k, k % 5 == 0 ? 0.3f : 0.9f);
            }

            tracker.Update(detections.AsSpan(0, n), ids);
            frame++;
        }

        for (var i = 0; i < 20; i++)
        {
            Frame();
        }

        Assert.True(tracker.Count(TrackState.Confirmed) >= 10);
        Assert.Equal(0, Allocations.SteadyState(Frame, calls: 50));
    }
}
