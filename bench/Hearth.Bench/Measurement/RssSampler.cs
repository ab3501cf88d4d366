namespace Hearth.Bench.Measurement;

/// <summary>
/// The highest resident memory of some processes over a stretch of the run. VmHWM alone is not
/// enough: the kernel raises it lazily (when memory is unmapped or the process exits, not at
/// every page fault), so a peak that is gone again by the time it is read can be missed. This
/// reads VmRSS every <see cref="Interval"/> on a thread of its own and reports the larger of its
/// highest sample and VmHWM (reset at the start, <see cref="ProcessMemory.ResetPeak"/>).
/// </summary>
internal sealed class RssSampler : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private readonly int[] pids;
    private readonly double[] before;
    private readonly double[] highest;
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;

    private RssSampler(int[] pids)
    {
        this.pids = pids;
        ResetWorked = pids.Aggregate(true, (worked, pid) => ProcessMemory.ResetPeak(pid) & worked);
        before = [.. pids.Select(pid => ProcessMemory.Read(pid).RssMiB)];
        highest = [.. before];
        thread = new Thread(Sample) { IsBackground = true, Name = "rss sampler" };
        thread.Start();
    }

    /// <summary>False when a process's VmHWM could not be reset (its peak then goes back to its start).</summary>
    public bool ResetWorked { get; }

    public static RssSampler Start(params int[] pids) => new(pids);

    /// <summary>Stops sampling; per process, in the order given: VmRSS at the start, the peak, VmRSS now (MiB).</summary>
    public (double Before, double Peak, double After)[] Finish()
    {
        Dispose();
        return [.. pids.Select((pid, i) =>
        {
            var (rss, hwm) = ProcessMemory.Read(pid);
            return (before[i], new[] { highest[i], hwm, rss }.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Max(), rss);
        })];
    }

    public void Dispose()
    {
        if (!stop.IsCancellationRequested)
        {
            stop.Cancel();
            thread.Join();
        }
        stop.Dispose();
    }

    private void Sample()
    {
        while (!stop.Token.WaitHandle.WaitOne(Interval))
        {
            for (var i = 0; i < pids.Length; i++)
            {
                var rss = ProcessMemory.Read(pids[i]).RssMiB;
                if (rss > highest[i]) highest[i] = rss;
            }
        }
    }
}
