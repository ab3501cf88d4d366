namespace Hearth.Agent.Init;

/// <summary>Learns how a process started with <see cref="Supervisor.StartChild"/> ended.</summary>
internal interface IChildWatcher
{
    /// <summary>Called once, on the reaper thread, after the process has been reaped.</summary>
    void OnExited(WaitStatus status);
}
