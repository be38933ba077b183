using VideoAnalytics.Silo.Cameras;

namespace VideoAnalytics.Tests.Silo.Cameras;

public sealed class FrameSamplerTests
{
    [Theory]
    [InlineData(25, 5, 5)]
    [InlineData(25, 25, 25)]
    [InlineData(25, 60, 25)] // a target above the source rate keeps every frame
    [InlineData(30, 7.5, 7.5)]
    [InlineData(25, 0.5, 0.5)]
    public void A_regular_source_is_sampled_to_the_target_rate(double sourceFps, double target, double expected)
    {
        var sampler = new FrameSampler(target);
        var kept = 0;
        var frames = (int)(sourceFps * 20); // 20 s
        for (var i = 0; i < frames; i++)
        {
            if (sampler.Keep(i / sourceFps))
            {
                kept++;
            }
        }

        Assert.InRange(kept / 20.0, expected * 0.97, (expected * 1.03) + 0.05);
    }

    [Fact]
    public void Kept_frames_are_evenly_spaced()
    {
        var sampler = new FrameSampler(5);
        var kept = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            if (sampler.Keep(i / 25.0))
            {
                kept.Add(i);
            }
        }

        for (var i = 1; i < kept.Count; i++)
        {
            Assert.Equal(5, kept[i] - kept[i - 1]);
        }
    }

    [Fact]
    public void After_a_gap_the_schedule_restarts_instead_of_bursting()
    {
        var sampler = new FrameSampler(5);
        Assert.True(sampler.Keep(0));
        Assert.True(sampler.Keep(10)); // 10 s gap: keep, then 0.2 s spacing again
        Assert.False(sampler.Keep(10.04));
        Assert.False(sampler.Keep(10.16));
        Assert.True(sampler.Keep(10.2));
    }

    [Fact]
    public void Time_going_backwards_starts_a_new_run()
    {
        var sampler = new FrameSampler(1);
        Assert.True(sampler.Keep(100));
        Assert.True(sampler.Keep(0));
        Assert.False(sampler.Keep(0.5));
    }
}
