namespace Hearth.Runtime.Containers;

/// <summary>One reading of a workspace's memory, disk and network (CPU is sampled apart: its figure is a rate).</summary>
internal sealed record WorkspaceUsageReading
{
    /// <summary>The cgroup's memory without droppable page cache.</summary>
    public long MemoryUsedBytes { get; init; }
    /// <summary>The cgroup's memory limit; null when it has none.</summary>
    public long? MemoryLimitBytes { get; init; }
    public long DiskUsedBytes { get; init; }
    public long DiskTotalBytes { get; init; }
    /// <summary>Bytes the workspace received since its veth was made (at its start).</summary>
    public long NetworkInBytes { get; init; }
    /// <summary>Bytes the workspace sent since its veth was made.</summary>
    public long NetworkOutBytes { get; init; }
}
