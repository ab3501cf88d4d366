using System.Diagnostics;

namespace Hearth.Bench.Measurement;

/// <summary>
/// Runs N operations at once, each on its own thread-pool work item (as hearthd serves each
/// request), so that their process spawns overlap. Each operation's own start-to-end latency
/// goes to the samples; the wall time from the first start to the last end is returned.
/// </summary>
internal static class Burst
{
    public static async Task<(double WallMs, IReadOnlyList<T> Results)> RunAsync<T>(int count, Samples samples, Func<int, Task<T>> operation)
    {
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(() => samples.TimeAsync(() => operation(i)))).ToList();
        var results = await Task.WhenAll(tasks);
        return (clock.Elapsed.TotalMilliseconds, results);
    }

    public static async Task<double> RunAsync(int count, Samples samples, Func<int, Task> operation)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(() => samples.TimeAsync(() => operation(i)))));
        return clock.Elapsed.TotalMilliseconds;
    }
}
