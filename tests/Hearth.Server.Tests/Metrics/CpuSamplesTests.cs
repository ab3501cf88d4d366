using Hearth.Server.Metrics;

namespace Hearth.Server.Tests.Metrics;

/// <summary>The CPU figure: the rate since the previous sample of the same run, in percent of the workspace's cores.</summary>
public sealed class CpuSamplesTests
{
    private const string Id = "ws_abc";
    private static readonly DateTimeOffset Started = new(2026, 11, 29, 18, 0, 0, TimeSpan.Zero);
    private readonly ManualClock clock = new();

    [Fact]
    public void Percent_is_cpu_time_over_wall_time_times_cores()
    {
        var second = TimeSpan.FromSeconds(1);
        Assert.Equal(50, CpuSamples.Percent(0, 1_000_000_000, second, cpus: 2));
        Assert.Equal(100, CpuSamples.Percent(0, 1_000_000_000, second, cpus: 1));
        Assert.Equal(100, CpuSamples.Percent(0, 1_200_000_000, second, cpus: 1)); // quota overshoot across periods
        Assert.Equal(12.5, CpuSamples.Percent(500_000_000, 1_000_000_000, second, cpus: 4));
        Assert.Equal(0, CpuSamples.Percent(0, 5, TimeSpan.Zero, cpus: 1));
    }

    [Fact]
    public void No_figure_without_a_previous_sample_then_the_rate_since_it()
    {
        var samples = new CpuSamples(clock);
        Assert.Null(samples.PercentSincePrevious(Id, Started, 0, clock.GetTimestamp(), cpus: 1));

        Assert.Equal(40, samples.PercentBetween(Id, Started, 0, 100_000_000, clock.GetTimestamp(), TimeSpan.FromMilliseconds(250), cpus: 1));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(25, samples.PercentSincePrevious(Id, Started, 1_100_000_000, clock.GetTimestamp(), cpus: 2));
    }

    [Fact]
    public void A_sample_too_young_gives_its_own_figure_and_stays_the_reference()
    {
        var samples = new CpuSamples(clock);
        samples.PercentBetween(Id, Started, 0, 100_000_000, clock.GetTimestamp(), TimeSpan.FromMilliseconds(250), cpus: 1);
        clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(40, samples.PercentSincePrevious(Id, Started, 110_000_000, clock.GetTimestamp(), cpus: 1));
        clock.Advance(TimeSpan.FromMilliseconds(990));
        Assert.Equal(10, samples.PercentSincePrevious(Id, Started, 200_000_000, clock.GetTimestamp(), cpus: 1));
    }

    [Fact]
    public void A_sample_older_than_a_minute_or_of_another_run_is_not_compared_with()
    {
        var samples = new CpuSamples(clock);
        samples.PercentBetween(Id, Started, 0, 100_000_000, clock.GetTimestamp(), TimeSpan.FromMilliseconds(250), cpus: 1);
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(samples.PercentSincePrevious(Id, Started, 200_000_000, clock.GetTimestamp(), cpus: 1));

        samples.PercentBetween(Id, Started, 0, 100_000_000, clock.GetTimestamp(), TimeSpan.FromMilliseconds(250), cpus: 1);
        clock.Advance(TimeSpan.FromSeconds(1));
        // Restarted: a new cgroup whose counter began again.
        Assert.Null(samples.PercentSincePrevious(Id, Started.AddMinutes(5), 50_000_000, clock.GetTimestamp(), cpus: 1));
        Assert.Null(samples.PercentSincePrevious(Id, Started, 50_000_000, clock.GetTimestamp(), cpus: 1));
    }

    private sealed class ManualClock : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }
}
