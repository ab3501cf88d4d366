using System.Diagnostics;

namespace Hearth.Bench.Measurement;

/// <summary>
/// Durations of one repeated operation, in milliseconds. Percentiles are nearest-rank
/// (the smallest sample with at least p% of the samples at or below it), so with 100 samples
/// or fewer p99 is the maximum: a p99 of 50 runs is the worst of them.
/// </summary>
internal sealed class Samples(string name)
{
    private readonly List<double> values = [];
    private double cpuMs;
    private int cpuRuns;

    public string Name { get; } = name;

    public int Count { get { lock (values) return values.Count; } }

    public void Add(TimeSpan elapsed) => Add(elapsed.TotalMilliseconds);

    public void Add(double milliseconds)
    {
        lock (values) values.Add(milliseconds);
    }

    /// <summary>Runs <paramref name="action"/> and records how long it took.</summary>
    public async Task<T> TimeAsync<T>(Func<Task<T>> action)
    {
        var clock = Stopwatch.StartNew();
        var result = await action();
        Add(clock.Elapsed);
        return result;
    }

    public async Task TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        Add(clock.Elapsed);
    }

    /// <summary>
    /// Like <see cref="TimeAsync(Func{Task})"/>, and also adds up the CPU time this process and
    /// the children it reaped spent meanwhile (<see cref="ProcessCpu"/>; kernel ticks, so
    /// meaningful as an average over many runs). For operations that run one at a time only.
    /// </summary>
    public async Task<T> TimeWithCpuAsync<T>(Func<Task<T>> action)
    {
        var before = ProcessCpu.ReadMs(Environment.ProcessId);
        var result = await TimeAsync(action);
        cpuMs += ProcessCpu.ReadMs(Environment.ProcessId) - before;
        cpuRuns++;
        return result;
    }

    public Task TimeWithCpuAsync(Func<Task> action) => TimeWithCpuAsync(async () => { await action(); return 0; });

    /// <summary>Average CPU per run measured by <see cref="TimeWithCpuAsync{T}"/>; NaN if none was.</summary>
    public double CpuMsPerRun => cpuRuns == 0 ? double.NaN : cpuMs / cpuRuns;

    public double Percentile(double p)
    {
        var sorted = Sorted();
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    public double P50 => Percentile(50);
    public double P90 => Percentile(90);
    public double P99 => Percentile(99);
    public double Mean { get { lock (values) return values.Count == 0 ? double.NaN : values.Average(); } }
    /// <summary>The sample added last; NaN before the first.</summary>
    public double Last { get { lock (values) return values.Count == 0 ? double.NaN : values[^1]; } }
    public double Min => Sorted() is { Length: > 0 } s ? s[0] : double.NaN;
    public double Max => Sorted() is { Length: > 0 } s ? s[^1] : double.NaN;

    private double[] Sorted()
    {
        lock (values) return [.. values.Order()];
    }
}
