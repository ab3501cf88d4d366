using System.Diagnostics;

namespace Hearth.Bench.Measurement;

/// <summary>
/// Durations of one repeated operation, in milliseconds. Percentiles are nearest-rank
/// (the smallest sample with at least p% of the samples at or below it), so with 20 samples
/// p99 is the maximum and with 50 it is the largest but none.
/// </summary>
internal sealed class Samples(string name)
{
    private readonly List<double> values = [];

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
    public double Min => Sorted() is { Length: > 0 } s ? s[0] : double.NaN;
    public double Max => Sorted() is { Length: > 0 } s ? s[^1] : double.NaN;

    private double[] Sorted()
    {
        lock (values) return [.. values.Order()];
    }
}
