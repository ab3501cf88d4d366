namespace Hearth.Bench.Scenarios;

/// <summary>
/// One path's delivery of the flood (<see cref="LogThroughput"/>): lines expected and received
/// (in order: each the next sequence number), line bytes (with their newlines) and bytes on the
/// wire, the time from the start request to the last line and from the first line to the last,
/// the CPU the agent (its own, not the writer's), hearthd and the bench (the client) used
/// meanwhile, and what went wrong, if anything.
/// </summary>
internal sealed record ThroughputFigures(
    string Path,
    long Expected,
    long Received,
    long OutOfOrder,
    long LineBytes,
    long WireBytes,
    double StartToLastMs,
    double FirstToLastMs,
    double AgentCpuMs,
    double HearthdCpuMs,
    double ClientCpuMs,
    string? Problem)
{
    /// <summary>For the workload path: the agent's own timestamps of the first and last line (when its pump read them), ms apart; NaN elsewhere.</summary>
    public double IngestMs { get; init; } = double.NaN;

    public double LineMiBPerSecond => LineBytes / 1048576.0 / (StartToLastMs / 1000);
    public double LinesPerSecond => Received / (StartToLastMs / 1000);
    public double WireMiBPerSecond => WireBytes / 1048576.0 / (StartToLastMs / 1000);
}
