namespace Hearth.Runtime;

/// <summary>
/// Makes workspaces real on this host. Every method is idempotent with respect to what is
/// already there (a retried or reconciled call finishes the job, it never doubles it), and every
/// failure leaves the host as it was before the call, so the caller can always clean up with
/// <see cref="DestroyAsync"/>.
/// </summary>
internal interface IWorkspaceDriver
{
    /// <summary>Makes a new disk and starts the workspace on it; returns the host pid of its init.</summary>
    Task<int> CreateAsync(WorkspaceSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Starts a stopped workspace on its existing disk, growing the disk first when asked; returns its init's host pid.</summary>
    Task<int> StartAsync(WorkspaceSpec spec, CancellationToken cancellationToken = default);

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>; the disk is kept.</summary>
    Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken = default);

    Task PauseAsync(string id, CancellationToken cancellationToken = default);

    Task ResumeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Applies CPU and memory limits to a running workspace through its cgroup.</summary>
    Task UpdateLimitsAsync(string id, ResourceLimits limits, CancellationToken cancellationToken = default);

    /// <summary>Removes every trace: container, cgroups, mounts, loop device, disk and folder.</summary>
    Task DestroyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Processes the OOM killer ended in the workspace since it last started; a cheap file read.</summary>
    long ReadOomKills(string id);

    Task<WorkspaceRuntimeState> InspectAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Ids of every workspace that has anything on this host (for the orphan sweep).</summary>
    Task<IReadOnlyCollection<string>> ListTracesAsync(CancellationToken cancellationToken = default);
}

/// <summary>What the driver needs to run one workspace.</summary>
internal sealed record WorkspaceSpec
{
    /// <summary>Ids in each workspace's range: container uids/gids 0..65535 map to its host block.</summary>
    public const long UidRangeSize = 65536;

    public required string Id { get; init; }
    public required string Hostname { get; init; }
    /// <summary>The image's layer trees, bottom first: the overlay's read-only lower layers.</summary>
    public required IReadOnlyList<string> ImageLayers { get; init; }
    /// <summary>The image's env, default command, user and working directory.</summary>
    public Images.ImageConfig ImageConfig { get; init; } = new();
    /// <summary>First host uid/gid of the workspace's private range; uid 0 inside maps to it.</summary>
    public required long UidBase { get; init; }
    public required ResourceLimits Limits { get; init; }
    public required int DiskSizeMb { get; init; }
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    /// <summary>The workspace's own main command; empty runs the image's default command, if any.</summary>
    public IReadOnlyList<string> Cmd { get; init; } = [];
    /// <summary>The workspace's address on the workspaces' network; null runs it with loopback only.</summary>
    public System.Net.IPAddress? Address { get; init; }
}

/// <summary>Kernel-enforced limits of a workspace.</summary>
internal sealed record ResourceLimits(int Cpus, int MemoryMb, int PidsLimit);

internal enum ContainerStatus
{
    Absent,
    Created,
    Running,
    Paused,
    Stopped,
}

/// <summary>What the host says about a workspace right now.</summary>
internal sealed record WorkspaceRuntimeState(ContainerStatus Status, int? Pid, long OomKills);
