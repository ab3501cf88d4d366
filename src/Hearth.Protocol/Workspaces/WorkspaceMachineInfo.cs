namespace Hearth.Protocol.Workspaces;

/// <summary>
/// Raw facts about the machine a workspace is (<c>GET /workspace/:id/info</c> -> <c>{info}</c>, the
/// SDK's <c>metrics.info</c>, "VM info" on Oblien). In Hearth the machine is a container on the
/// host's kernel.
/// </summary>
public sealed record WorkspaceMachineInfo
{
    /// <summary>The workspace's id.</summary>
    public required string Id { get; init; }
    /// <summary>The workspace's status.</summary>
    public required string Status { get; init; }
    /// <summary>The isolation tier: <c>container</c>.</summary>
    public required string Runtime { get; init; }
    /// <summary>The version of the container runtime (crun); null when it would not say.</summary>
    public string? RuntimeVersion { get; init; }
    /// <summary>The image the workspace runs.</summary>
    public required string Image { get; init; }
    /// <summary>The kernel release (<c>uname -r</c>), the host's: a container shares it.</summary>
    public required string Kernel { get; init; }
    /// <summary>The workspace's host name.</summary>
    public required string Hostname { get; init; }
    /// <summary>CPU ceiling in cores.</summary>
    public int Cpus { get; init; }
    /// <summary>Memory limit in MB.</summary>
    public int MemoryMb { get; init; }
    /// <summary>Disk size in MB.</summary>
    public int DiskSizeMb { get; init; }
    /// <summary>The workspace's private address.</summary>
    public string? InternalIp { get; init; }
    /// <summary>The host pid of the workspace's init (its agent); null when it does not run.</summary>
    public int? InitPid { get; init; }
    /// <summary>When the workspace last started (UTC); null before its first start.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>Seconds since the workspace last started; 0 when it does not run.</summary>
    public double Uptime { get; init; }
}
