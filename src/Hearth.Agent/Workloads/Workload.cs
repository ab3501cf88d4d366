using Hearth.Agent.Logs;
using Hearth.Protocol.Workloads;

namespace Hearth.Agent.Workloads;

/// <summary>
/// A workload's definition and how it runs now. Every field is guarded by the
/// <see cref="WorkloadManager"/>'s gate; only the manager changes them.
/// </summary>
internal sealed class Workload(StoredWorkload stored, SegmentedLog log)
{
    public WorkloadSpec Spec { get; set; } = stored.Spec;
    public string Id => Spec.Id!;
    public bool StoppedByRequest { get; set; } = stored.StoppedByRequest;
    public DateTimeOffset CreatedAt { get; } = stored.CreatedAt;
    public DateTimeOffset UpdatedAt { get; set; } = stored.UpdatedAt;
    public SegmentedLog Log { get; } = log;

    public string State { get; set; } = WorkloadState.Stopped;
    public WorkloadRun? Run { get; set; }
    public int? ExitCode { get; set; }
    public int? ExitSignal { get; set; }
    public string? Error { get; set; }

    /// <summary>Restarts by policy since the last start by a request or the workspace's start.</summary>
    public int RestartCount { get; set; }

    /// <summary>Restarts in a row, each after a run shorter than <see cref="WorkloadLimits.StableRunSeconds"/>.</summary>
    public int RestartsInARow { get; set; }

    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset? NextRestartAt { get; set; }

    /// <summary>The scheduled restart, to cancel; 0 for none.</summary>
    public long RestartTimer { get; set; }

    /// <summary>A stop request is under way: the run's end is a stop, not a reason to restart.</summary>
    public bool StopRequested { get; set; }

    /// <summary>A delete is under way or done: it is not started or restarted again, and its end is not noted.</summary>
    public bool Deleting { get; set; }

    public StoredWorkload ToStored() => new()
    {
        Spec = Spec,
        StoppedByRequest = StoppedByRequest,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
    };

    public WorkloadInfo ToInfo() => new()
    {
        Id = Spec.Id,
        Name = Spec.Name,
        Cmd = Spec.Cmd,
        Env = Spec.Env,
        WorkingDir = Spec.WorkingDir,
        User = Spec.User,
        RestartPolicy = Spec.RestartPolicy,
        MaxRestarts = Spec.MaxRestarts,
        RestartDelay = Spec.RestartDelay,
        RestartBackoff = Spec.RestartBackoff,
        AutoStart = Spec.AutoStart,
        Enabled = Spec.Enabled,
        KeepLogs = Spec.KeepLogs,
        MaxLogSizeMb = Spec.MaxLogSizeMb,
        LogRetentionHours = Spec.LogRetentionHours,
        Labels = Spec.Labels,
        Annotations = Spec.Annotations,
        VmOnExit = Spec.VmOnExit,
        Origin = Spec.Origin,
        Status = State,
        Pid = Run?.Pid,
        ExitCode = ExitCode,
        ExitSignal = ExitSignal,
        Error = Error,
        RestartCount = RestartCount,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        NextRestartAt = NextRestartAt,
        UptimeSeconds = Run is { } run ? Math.Round((DateTimeOffset.UtcNow - run.StartedAt).TotalSeconds, 1) : null,
    };
}

/// <summary>Where workloads and logs live inside the workspace (docs/design/workloads.md).</summary>
internal static class WorkloadPaths
{
    public const string Definitions = "/var/lib/hearth/workloads";
    public const string Logs = "/var/log/hearth/workloads";
    public const string BootLog = "/var/log/hearth/boot";
    public const string CmdLog = "/var/log/hearth/cmd";

    public static string LogOf(string id) => Path.Combine(Logs, id);
}
