using System.Collections.Concurrent;

namespace Hearth.Server.Metrics;

/// <summary>
/// The last CPU sample hearthd took of each workspace, so that a CPU figure is the rate over the
/// time since then (between two stream events: the interval). A figure needs a previous sample
/// taken within <see cref="MaxAge"/> of the same run of the workspace (the cgroup's counter starts
/// again at each start); a sample younger than <see cref="MinWindow"/> gives the figure it gave
/// then, since a rate over a few milliseconds says little (the CFS quota is handed out per 100 ms).
/// </summary>
internal sealed class CpuSamples(TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan MinWindow = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, Sample> samples = new();

    /// <summary>
    /// The percent of <paramref name="cpus"/> cores used since the previous sample, recording this
    /// one; null (and nothing recorded) when there is no previous sample to compare with.
    /// </summary>
    public double? PercentSincePrevious(string workspaceId, DateTimeOffset? startedAt, long cpuNanoseconds, long timestamp, int cpus)
    {
        if (!samples.TryGetValue(workspaceId, out var previous) || previous.StartedAt != startedAt || cpuNanoseconds < previous.CpuNanoseconds)
            return null;
        var elapsed = time.GetElapsedTime(previous.Timestamp, timestamp);
        if (elapsed > MaxAge) return null;
        if (elapsed < MinWindow) return previous.Percent;
        var percent = Percent(previous.CpuNanoseconds, cpuNanoseconds, elapsed, cpus);
        Record(workspaceId, new Sample(cpuNanoseconds, timestamp, startedAt, percent));
        return percent;
    }

    /// <summary>A figure from two samples of the caller's own, <paramref name="elapsed"/> apart; recorded for the next caller.</summary>
    public double PercentBetween(string workspaceId, DateTimeOffset? startedAt, long firstNanoseconds, long secondNanoseconds, long secondTimestamp, TimeSpan elapsed, int cpus)
    {
        var percent = Percent(firstNanoseconds, secondNanoseconds, elapsed, cpus);
        Record(workspaceId, new Sample(secondNanoseconds, secondTimestamp, startedAt, percent));
        return percent;
    }

    /// <summary>CPU time over wall time, in percent of <paramref name="cpus"/> cores (the CFS quota), at most 100.</summary>
    public static double Percent(long fromNanoseconds, long toNanoseconds, TimeSpan elapsed, int cpus)
    {
        var wall = elapsed.Ticks * 100.0 * Math.Max(1, cpus); // ticks are 100 ns
        if (wall <= 0) return 0;
        return Math.Round(Math.Clamp((toNanoseconds - fromNanoseconds) / wall * 100, 0, 100), 2);
    }

    private void Record(string workspaceId, Sample sample)
    {
        if (samples.TryAdd(workspaceId, sample))
        {
            // A new workspace: drop the samples of those nobody has looked at for a while (deleted ones).
            foreach (var (id, old) in samples)
                if (time.GetElapsedTime(old.Timestamp) > MaxAge) samples.TryRemove(id, out _);
            return;
        }
        samples[workspaceId] = sample;
    }

    private sealed record Sample(long CpuNanoseconds, long Timestamp, DateTimeOffset? StartedAt, double Percent);
}
