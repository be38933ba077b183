using Microsoft.Extensions.Time.Testing;
using VideoAnalytics.Silo.Cameras;

namespace VideoAnalytics.Tests.Silo.Cameras;

public sealed class ReconnectBackoffTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Delays_double_from_the_initial_delay_up_to_the_cap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30), _time, () => 0);

        var delays = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            delays.Add(backoff.Schedule().TotalSeconds);
        }

        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30, 30, 30], delays);
        Assert.Equal(10, backoff.Attempts);
    }

    [Fact]
    public void Jitter_only_shortens_a_delay_and_by_at_most_a_fifth()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), _time, () => 0.999999);
        var longest = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), _time, () => 0);
        var random = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), _time);

        Assert.Equal(0.8, backoff.Schedule().TotalSeconds, 3);
        Assert.Equal(1.0, longest.Schedule().TotalSeconds, 3);
        var seen = new HashSet<long>();
        for (var i = 0; i < 20; i++)
        {
            var nominal = random.NominalDelay(random.Attempts);
            var delay = random.Schedule();
            Assert.InRange(delay, nominal * 0.8, nominal);
            seen.Add(delay.Ticks);
        }

        Assert.True(seen.Count > 10, "jitter should spread the delays");
    }

    [Fact]
    public void A_retry_is_due_when_its_delay_has_passed_on_the_clock()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), _time, () => 0);
        Assert.True(backoff.IsDue); // nothing scheduled yet

        backoff.Schedule();
        Assert.False(backoff.IsDue);
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Remaining);

        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.False(backoff.IsDue);
        Assert.Equal(TimeSpan.FromSeconds(0.5), backoff.Remaining);

        _time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(backoff.IsDue);
    }

    [Fact]
    public void Reset_starts_over_at_the_initial_delay()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30), _time, () => 0);
        backoff.Schedule();
        backoff.Schedule();
        backoff.Schedule();

        backoff.Reset();

        Assert.Equal(0, backoff.Attempts);
        Assert.True(backoff.IsDue);
        Assert.Equal(TimeSpan.FromSeconds(0.5), backoff.Schedule());
    }

    [Fact]
    public void Many_failures_never_overflow()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30), _time, () => 0);

        Assert.Equal(TimeSpan.FromSeconds(30), backoff.NominalDelay(10_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), _time));
    }
}
