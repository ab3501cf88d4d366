namespace Hearth.Protocol.Workloads;

/// <summary>
/// A workload as the API returns it: its definition and how it runs now. <c>status</c> and
/// <c>state</c>, <c>cmd</c> and <c>command</c>, <c>pid</c> and <c>guest_pid</c> carry the same
/// value under the names the Oblien SDKs read.
/// </summary>
public sealed record WorkloadInfo : WorkloadSpec
{
    /// <summary>One of <see cref="WorkloadState"/>.</summary>
    public required string Status { get; init; }

    /// <summary>The same as <see cref="Status"/>.</summary>
    public string State => Status;

    /// <summary>The same as <see cref="WorkloadSpec.Cmd"/>.</summary>
    public IReadOnlyList<string> Command => Cmd;

    /// <summary>Its process id inside the workspace while it runs (also its session and process group id).</summary>
    public int? Pid { get; init; }

    /// <summary>The same as <see cref="Pid"/>.</summary>
    public int? GuestPid => Pid;

    /// <summary>How its last run ended: the exit code, or null when a signal ended it.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The signal that ended its last run, if one did.</summary>
    public int? ExitSignal { get; init; }

    /// <summary>Why it is <c>failed</c> or could not start, for a person.</summary>
    public string? Error { get; init; }

    /// <summary>Restarts by its policy since it was last started by a request or the workspace's start.</summary>
    public int RestartCount { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When its definition last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When its current or last run started.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>When its last run ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When a <c>pending</c> workload starts again.</summary>
    public DateTimeOffset? NextRestartAt { get; init; }

    /// <summary>Seconds since its current run started; null when it does not run.</summary>
    public double? UptimeSeconds { get; init; }
}

/// <summary>A change to a workload (<c>PUT</c>/<c>PATCH</c>): null fields stay as they are. Process fields take effect at its next start.</summary>
public sealed record WorkloadPatch
{
    /// <summary><paramref name="spec"/> with the fields this patch sets (hearthd builds a create's definition the same way, from the defaults).</summary>
    public WorkloadSpec ApplyTo(WorkloadSpec spec) => spec with
    {
        Name = Name ?? spec.Name,
        Cmd = Cmd ?? spec.Cmd,
        Env = Env ?? spec.Env,
        WorkingDir = WorkingDir ?? spec.WorkingDir,
        User = User ?? spec.User,
        RestartPolicy = RestartPolicy ?? spec.RestartPolicy,
        MaxRestarts = MaxRestarts ?? spec.MaxRestarts,
        RestartDelay = RestartDelay ?? spec.RestartDelay,
        RestartBackoff = RestartBackoff ?? spec.RestartBackoff,
        AutoStart = AutoStart ?? spec.AutoStart,
        Enabled = Enabled ?? spec.Enabled,
        KeepLogs = KeepLogs ?? spec.KeepLogs,
        MaxLogSizeMb = MaxLogSizeMb ?? spec.MaxLogSizeMb,
        LogRetentionHours = LogRetentionHours ?? spec.LogRetentionHours,
        Labels = Labels ?? spec.Labels,
        Annotations = Annotations ?? spec.Annotations,
        VmOnExit = VmOnExit ?? spec.VmOnExit,
    };

    /// <summary>See <see cref="WorkloadSpec.Name"/>.</summary>
    public string? Name { get; init; }
    /// <summary>See <see cref="WorkloadSpec.Cmd"/>.</summary>
    public IReadOnlyList<string>? Cmd { get; init; }
    /// <summary>See <see cref="WorkloadSpec.Env"/>.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }
    /// <summary>See <see cref="WorkloadSpec.WorkingDir"/>.</summary>
    public string? WorkingDir { get; init; }
    /// <summary>See <see cref="WorkloadSpec.User"/>.</summary>
    public string? User { get; init; }
    /// <summary>See <see cref="WorkloadSpec.RestartPolicy"/>.</summary>
    public string? RestartPolicy { get; init; }
    /// <summary>See <see cref="WorkloadSpec.MaxRestarts"/>.</summary>
    public int? MaxRestarts { get; init; }
    /// <summary>See <see cref="WorkloadSpec.RestartDelay"/>.</summary>
    public double? RestartDelay { get; init; }
    /// <summary>See <see cref="WorkloadSpec.RestartBackoff"/>.</summary>
    public bool? RestartBackoff { get; init; }
    /// <summary>See <see cref="WorkloadSpec.AutoStart"/>.</summary>
    public bool? AutoStart { get; init; }
    /// <summary>See <see cref="WorkloadSpec.Enabled"/>.</summary>
    public bool? Enabled { get; init; }
    /// <summary>See <see cref="WorkloadSpec.KeepLogs"/>.</summary>
    public bool? KeepLogs { get; init; }
    /// <summary>See <see cref="WorkloadSpec.MaxLogSizeMb"/>.</summary>
    public int? MaxLogSizeMb { get; init; }
    /// <summary>See <see cref="WorkloadSpec.LogRetentionHours"/>.</summary>
    public int? LogRetentionHours { get; init; }
    /// <summary>See <see cref="WorkloadSpec.Labels"/>.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    /// <summary>See <see cref="WorkloadSpec.Annotations"/>.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    /// <summary>See <see cref="WorkloadSpec.VmOnExit"/>.</summary>
    public string? VmOnExit { get; init; }
}

/// <summary>What a workload uses now (<c>GET .../workloads/:wid/stats</c> and the stats streams).</summary>
public sealed record WorkloadStats
{
    /// <summary>The workload's id.</summary>
    public required string Id { get; init; }

    /// <summary>The same as <see cref="Id"/>.</summary>
    public string WorkloadId => Id;

    /// <summary>The workload's name.</summary>
    public required string Name { get; init; }

    /// <summary>One of <see cref="WorkloadState"/>.</summary>
    public required string Status { get; init; }

    /// <summary>The same as <see cref="Status"/>.</summary>
    public string State => Status;

    /// <summary>Its process id inside the workspace while it runs.</summary>
    public int? Pid { get; init; }

    /// <summary>CPU time of its processes (its session) over the last interval, in percent of one core.</summary>
    public double CpuPercent { get; init; }

    /// <summary>The same as <see cref="CpuPercent"/>.</summary>
    public double CpuUsage => CpuPercent;

    /// <summary>Resident memory of its processes, in bytes.</summary>
    public long RssBytes { get; init; }

    /// <summary>The same as <see cref="RssBytes"/>.</summary>
    public long MemoryUsage => RssBytes;

    /// <summary><see cref="RssBytes"/> in MiB.</summary>
    public double MemoryMb => Math.Round(RssBytes / 1048576.0, 1);

    /// <summary>How many processes its session has.</summary>
    public int Processes { get; init; }

    /// <summary>Seconds since its current run started; 0 when it does not run.</summary>
    public double UptimeSeconds { get; init; }
    /// <summary>Restarts by its policy since it was last started by a request or the workspace.</summary>
    public int RestartCount { get; init; }
    /// <summary>When these figures were taken.</summary>
    public required DateTimeOffset Timestamp { get; init; }
}
