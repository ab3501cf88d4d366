using Hearth.Protocol.Workspaces;
using Hearth.Runtime.Containers;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Metrics;

/// <summary>
/// A workspace's <see cref="WorkspaceStats"/> from the host's own records (docs/design/api.md,
/// "Stats"). A workspace whose container exists (running, paused) is measured; any other has
/// zeros but for its disk, which its superblock gives without mounting it.
/// </summary>
internal sealed class WorkspaceStatsService(WorkspaceUsage usage, CpuSamples cpuSamples, ApiCallCounter apiCalls, TimeProvider time)
{
    /// <summary>How far apart the two CPU samples are when there is no recent one to compare with.</summary>
    public static readonly TimeSpan FirstWindow = TimeSpan.FromMilliseconds(250);

    private const double MiB = 1024 * 1024;

    public async Task<WorkspaceStats> MeasureAsync(WorkspaceRecord workspace, CancellationToken cancellationToken)
    {
        if (workspace.Status is not (WorkspaceStatus.Running or WorkspaceStatus.Paused))
            return Idle(workspace);

        var cpu = await CpuPercentAsync(workspace, cancellationToken);
        var reading = usage.Read(workspace.Id);
        // The cgroup's own limit is what the kernel enforces; the record's is the fallback when it has none.
        var memoryLimit = reading.MemoryLimitBytes ?? workspace.MemoryMb * 1024L * 1024L;
        var now = time.GetUtcNow();
        return new WorkspaceStats
        {
            Status = workspace.Status,
            CpuUsage = cpu,
            MemoryUsage = Percent(reading.MemoryUsedBytes, memoryLimit),
            MemoryUsedMb = Math.Round(reading.MemoryUsedBytes / MiB, 1),
            MemoryTotalMb = Math.Round(memoryLimit / MiB, 1),
            GuestMemoryUsed = reading.MemoryUsedBytes,
            GuestMemoryTotal = memoryLimit,
            GuestDiskUsed = reading.DiskUsedBytes,
            GuestDiskTotal = reading.DiskTotalBytes,
            DiskUsage = Percent(reading.DiskUsedBytes, reading.DiskTotalBytes),
            NetworkIn = ByteSize.Format(reading.NetworkInBytes),
            NetworkOut = ByteSize.Format(reading.NetworkOutBytes),
            NetworkInBytes = reading.NetworkInBytes,
            NetworkOutBytes = reading.NetworkOutBytes,
            Uptime = workspace.StartedAt is { } started ? Math.Round(Math.Max(0, (now - started).TotalSeconds), 1) : 0,
            ApiCalls = apiCalls.Of(workspace.Id),
            Timestamp = now,
        };
    }

    /// <summary>
    /// Percent of the workspace's CPU limit used since the previous sample hearthd took of it; when
    /// there is none within the last minute, over <see cref="FirstWindow"/> from now.
    /// </summary>
    private async Task<double> CpuPercentAsync(WorkspaceRecord workspace, CancellationToken cancellationToken)
    {
        if (usage.CpuTimeNanoseconds(workspace.Id) is not { } first) return 0;
        var firstAt = time.GetTimestamp();
        if (cpuSamples.PercentSincePrevious(workspace.Id, workspace.StartedAt, first, firstAt, workspace.Cpus) is { } percent)
            return percent;
        await Task.Delay(FirstWindow, time, cancellationToken);
        if (usage.CpuTimeNanoseconds(workspace.Id) is not { } second) return 0;
        var secondAt = time.GetTimestamp();
        return cpuSamples.PercentBetween(workspace.Id, workspace.StartedAt, first, second, secondAt, time.GetElapsedTime(firstAt, secondAt), workspace.Cpus);
    }

    private WorkspaceStats Idle(WorkspaceRecord workspace)
    {
        var disk = usage.Disk(workspace.Id);
        var memoryLimit = workspace.MemoryMb * 1024L * 1024L;
        return new WorkspaceStats
        {
            Status = workspace.Status,
            MemoryTotalMb = workspace.MemoryMb,
            GuestMemoryTotal = memoryLimit,
            GuestDiskUsed = disk?.UsedBytes ?? 0,
            GuestDiskTotal = disk?.TotalBytes ?? 0,
            DiskUsage = disk is { } d ? Percent(d.UsedBytes, d.TotalBytes) : 0,
            NetworkIn = ByteSize.Format(0),
            NetworkOut = ByteSize.Format(0),
            ApiCalls = apiCalls.Of(workspace.Id),
            Timestamp = time.GetUtcNow(),
        };
    }

    private static double Percent(long part, long whole) => whole <= 0 ? 0 : Math.Round(part * 100.0 / whole, 2);
}
