using System.Diagnostics;

namespace Hearth.Bench.Measurement;

/// <summary>
/// N clients at once, each running its operations back to back (a closed loop: a client sends
/// its next request when the previous one has answered), each client on its own thread-pool
/// work item. The operations record their own latencies; the wall time from the first start to
/// the last end is returned, so that total / wall is the throughput.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<double> RunAsync(int clients, int perClient, Func<Task> operation)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < perClient; i++)
                await operation();
        })));
        return clock.Elapsed.TotalMilliseconds;
    }
}
