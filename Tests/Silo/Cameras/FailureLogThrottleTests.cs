using Microsoft.Extensions.Time.Testing;
using VideoAnalytics.Silo.Cameras;

namespace VideoAnalytics.Tests.Silo.Cameras;

public sealed class FailureLogThrottleTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_lasting_failure_is_logged_at_attempts_1_2_4_8_with_the_count_left_out()
    {
        var throttle = new FailureLogThrottle(_time);
        var logged = new List<(int Attempt, int Suppressed)>();
        for (var attempt = 1; attempt <= 20; attempt++)
        {
            if (throttle.ShouldLog($"192.0.2.7:554 refused the connection (no frame for {attempt * 1.7:0.0} s)", out var suppressed))
            {
                logged.Add((attempt, suppressed));
            }

            _time.Advance(TimeSpan.FromSeconds(30)); // the reconnect cap: 20 attempts are 10 minutes
        }

        // Numbers in a reason (times, counts) do not make it a new failure.
        Assert.Equal([(1, 0), (2, 0), (4, 1), (8, 3), (16, 7)], logged);
    }

    [Fact]
    public void A_camera_dead_for_a_day_logs_at_most_once_per_quiet_period_after_the_first_lines()
    {
        var throttle = new FailureLogThrottle(_time, TimeSpan.FromMinutes(10));
        var lines = 0;
        for (var attempt = 1; attempt <= 2 * 60 * 24; attempt++)
        {
            lines += throttle.ShouldLog("connection refused", out _) ? 1 : 0;
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        // Today's behaviour is one line per attempt (2880); backed off it is about six an hour.
        Assert.InRange(lines, 24 * 6 - 2, 24 * 6 + 12);
    }

    [Fact]
    public void A_new_reason_is_always_logged_and_recovery_reports_the_failures()
    {
        var throttle = new FailureLogThrottle(_time);
        for (var i = 0; i < 5; i++)
        {
            throttle.ShouldLog("connection refused", out _);
        }

        Assert.True(throttle.ShouldLog("401 Unauthorized", out var suppressed));
        Assert.Equal(1, suppressed); // attempt 5 was left out; 1, 2 and 4 were logged
        Assert.False(throttle.ShouldLog("401 Unauthorized", out _));

        Assert.Equal(7, throttle.Recovered());
        Assert.Equal(0, throttle.Recovered());
        Assert.True(throttle.ShouldLog("401 Unauthorized", out _), "after a recovery a failure is news again");
    }
}
