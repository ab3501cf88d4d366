using System.Text.Json.Serialization;

namespace Hearth.Protocol.Workspaces;

/// <summary>
/// What a workspace uses now (<c>GET /workspace/:id/stats</c> -> <c>{stats}</c>, and each event of
/// <c>stats/stream</c>). The camelCase names are the ones Oblien documents for <c>metrics.stats</c>;
/// the snake_case ones are those of the SDK's <c>StatsEvent</c>. Both are sent.
/// </summary>
public sealed record WorkspaceStats
{
    /// <summary>The workspace's status when measured.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }

    /// <summary>CPU used over the last interval, in percent of the workspace's CPU limit (<c>cpus</c> cores = 100).</summary>
    [JsonPropertyName("cpuUsage")] public double CpuUsage { get; init; }

    /// <summary>Memory in use, in percent of its limit.</summary>
    [JsonPropertyName("memoryUsage")] public double MemoryUsage { get; init; }

    /// <summary>Memory in use (the cgroup's usage without page cache), in MB.</summary>
    [JsonPropertyName("memoryUsedMB")] public double MemoryUsedMb { get; init; }

    /// <summary>The memory limit, in MB.</summary>
    [JsonPropertyName("memoryTotalMB")] public double MemoryTotalMb { get; init; }

    /// <summary>Memory in use, in bytes.</summary>
    [JsonPropertyName("guestMemoryUsed")] public long GuestMemoryUsed { get; init; }

    /// <summary>The memory limit, in bytes.</summary>
    [JsonPropertyName("guestMemoryTotal")] public long GuestMemoryTotal { get; init; }

    /// <summary>Bytes used on the workspace's disk.</summary>
    [JsonPropertyName("guestDiskUsed")] public long GuestDiskUsed { get; init; }

    /// <summary>The workspace disk's size in bytes.</summary>
    [JsonPropertyName("guestDiskTotal")] public long GuestDiskTotal { get; init; }

    /// <summary>Bytes received by the workspace since it started, for a person (<c>1.5 MB</c>).</summary>
    [JsonPropertyName("networkIn")] public required string NetworkIn { get; init; }

    /// <summary>Bytes sent by the workspace since it started, for a person.</summary>
    [JsonPropertyName("networkOut")] public required string NetworkOut { get; init; }

    /// <summary>Bytes received by the workspace since it started.</summary>
    [JsonPropertyName("networkInBytes")] public long NetworkInBytes { get; init; }

    /// <summary>Bytes sent by the workspace since it started.</summary>
    [JsonPropertyName("networkOutBytes")] public long NetworkOutBytes { get; init; }

    /// <summary>Seconds since the workspace last started; 0 when it does not run.</summary>
    [JsonPropertyName("uptime")] public double Uptime { get; init; }

    /// <summary>Runtime API requests for this workspace since hearthd started.</summary>
    [JsonPropertyName("apiCalls")] public long ApiCalls { get; init; }

    /// <summary>The same as <see cref="CpuUsage"/>.</summary>
    [JsonPropertyName("cpu_usage")] public double CpuUsageSnake => CpuUsage;

    /// <summary>The same as <see cref="MemoryUsage"/>.</summary>
    [JsonPropertyName("memory_usage")] public double MemoryUsageSnake => MemoryUsage;

    /// <summary>Disk in use, in percent of its size.</summary>
    [JsonPropertyName("disk_usage")] public double DiskUsage { get; init; }

    /// <summary>Received and sent bytes, as <see cref="NetworkInBytes"/> and <see cref="NetworkOutBytes"/>.</summary>
    [JsonPropertyName("network")] public WorkspaceNetworkCounters Network => new() { Rx = NetworkInBytes, Tx = NetworkOutBytes };

    /// <summary>When these figures were taken.</summary>
    [JsonPropertyName("timestamp")] public required DateTimeOffset Timestamp { get; init; }
}

/// <summary>A workspace's network counters as the SDK's <c>StatsEvent.network</c> has them.</summary>
public sealed record WorkspaceNetworkCounters
{
    /// <summary>Bytes received by the workspace.</summary>
    public long Rx { get; init; }

    /// <summary>Bytes sent by the workspace.</summary>
    public long Tx { get; init; }
}
