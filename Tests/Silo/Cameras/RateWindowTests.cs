using Microsoft.Extensions.Time.Testing;
using VideoAnalytics.Silo.Cameras;

namespace VideoAnalytics.Tests.Silo.Cameras;

public sealed class RateWindowTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_steady_counter_gives_its_rate()
    {
        var rate = new RateWindow(_time, TimeSpan.FromSeconds(3));
        long count = 0;
        for (var i = 0; i < 100; i++)
        {
            rate.Sample(count);
            _time.Advance(TimeSpan.FromMilliseconds(40));
            count++;
        }

        Assert.Equal(25, rate.Rate(count), 1);
    }

    [Fact]
    public void A_stopped_counter_falls_to_zero_after_the_window()
    {
        var rate = new RateWindow(_time, TimeSpan.FromSeconds(3));
        for (var i = 0; i < 50; i++)
        {
            rate.Sample(i);
            _time.Advance(TimeSpan.FromMilliseconds(40));
        }

        for (var i = 0; i < 20; i++)
        {
            rate.Sample(50);
            _time.Advance(TimeSpan.FromMilliseconds(250));
        }

        Assert.Equal(0, rate.Rate(50), 3);
    }

    [Fact]
    public void A_reader_that_looks_rarely_still_gets_the_rate()
    {
        var rate = new RateWindow(_time, TimeSpan.FromSeconds(3));
        rate.Rate(0);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(5, rate.Rate(50), 3);
    }
}
