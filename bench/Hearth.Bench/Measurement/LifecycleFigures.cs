namespace Hearth.Bench.Measurement;

/// <summary>
/// Create and delete figures of one system under test (Hearth, or a crun baseline): a sequential
/// series, then a concurrent burst whose per-request latencies and whole wall time both count.
/// </summary>
internal sealed class LifecycleFigures(string system)
{
    public string System { get; } = system;
    public Samples CreateSequential { get; } = new($"{system} create, sequential");
    public Samples CreateConcurrent { get; } = new($"{system} create, concurrent");
    public double CreateConcurrentWallMs { get; set; } = double.NaN;
    public Samples DeleteSequential { get; } = new($"{system} delete, sequential");
    public Samples DeleteConcurrent { get; } = new($"{system} delete, concurrent");
    public double DeleteConcurrentWallMs { get; set; } = double.NaN;
    /// <summary>CPU time per sequential create of the process that drives it and its reaped children (<see cref="ProcessCpu"/>).</summary>
    public double CreateCpuMs { get; set; } = double.NaN;
    /// <summary>The part of <see cref="CreateCpuMs"/> spent in the driving process itself (hearthd, or the bench for crun).</summary>
    public double CreateCpuOwnMs { get; set; } = double.NaN;
    public double DeleteCpuMs { get; set; } = double.NaN;
}
