namespace Hearth.Bench.Measurement;

/// <summary>
/// One measured series (<see cref="Samples"/>) and the CPU the side doing the work spent on it,
/// added up around each stretch of the series (kernel ticks of 10 ms: meaningful as an average
/// over many operations, or for operations much longer than a tick), with the share of one
/// process of that side kept apart (for Hearth, the workspace's agent).
/// </summary>
internal sealed class SeriesWithCpu(string name)
{
    private double cpuMs;
    private double partMs;

    public Samples Samples { get; } = new(name);

    public string Name => Samples.Name;

    public void AddCpu((double Total, double Part) ms)
    {
        cpuMs += ms.Total;
        partMs += ms.Part;
    }

    /// <summary>CPU per recorded operation; NaN before the first.</summary>
    public double CpuMsPerOperation => Samples.Count == 0 ? double.NaN : cpuMs / Samples.Count;

    /// <summary>The part of <see cref="CpuMsPerOperation"/> of the one process kept apart.</summary>
    public double PartCpuMsPerOperation => Samples.Count == 0 ? double.NaN : partMs / Samples.Count;
}
