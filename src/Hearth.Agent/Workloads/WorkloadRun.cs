using Hearth.Agent.Init;

namespace Hearth.Agent.Workloads;

/// <summary>
/// One run of a workload: its process (the leader of its session) from spawn to end. The end is
/// known when the reaper has its status and its output pipes are closed (or a short while after
/// the status, when a process of the session keeps them open), so the log's "exited" note comes
/// after the run's last line.
/// </summary>
internal sealed class WorkloadRun(WorkloadManager manager, Workload workload) : IChildWatcher
{
    public Workload Workload { get; } = workload;

    /// <summary>Its pid, also its session id.</summary>
    public int Pid { get; set; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    // Guarded by the manager's gate.
    public WaitStatus? Status { get; set; }
    public bool OutputEnded { get; set; }
    public bool Finished { get; set; }

    public void OnExited(WaitStatus status) => manager.OnRunExited(this, status);

    /// <summary>The pump closed both output pipes.</summary>
    public void OnOutputEnded() => manager.OnRunOutputEnded(this);
}
