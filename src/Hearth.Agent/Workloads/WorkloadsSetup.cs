using Hearth.Agent.Init;
using Hearth.Agent.Interop;
using Hearth.Agent.Logs;
using Hearth.Agent.Server;

namespace Hearth.Agent.Workloads;

/// <summary>How the init sets up workloads and the workspace's logs, and starts the main command with its output logged.</summary>
internal static class WorkloadsSetup
{
    /// <summary>The boot and cmd logs keep this much each.</summary>
    private const long WorkspaceLogBytes = 10 * 1024 * 1024;

    /// <summary>
    /// The workloads, with the boot and cmd logs and the workload store; output is read by the
    /// agent's <paramref name="pump"/>. Nothing is read or written until it is used (the logs
    /// open on their first line, the definitions are read by <see cref="WorkloadManager.Boot"/>),
    /// so an idle workspace pays next to nothing; a read-only disk shows up as errors then.
    /// </summary>
    public static WorkloadManager Create(Supervisor supervisor, PipePump pump)
    {
        var boot = SegmentedLog.Open(WorkloadPaths.BootLog, WorkspaceLogBytes, TimeSpan.Zero);
        var cmd = SegmentedLog.Open(WorkloadPaths.CmdLog, WorkspaceLogBytes, TimeSpan.Zero);
        StandardError.BootLog = boot;
        return new WorkloadManager(supervisor, pump, new Scheduler(), new WorkloadStore(WorkloadPaths.Definitions), boot, cmd);
    }

    /// <summary>
    /// Starts the main command with stdout and stderr on pipes into the cmd log, copied to the
    /// agent's own (the container's console) as before. Returns 0 or an error number.
    /// </summary>
    public static int StartLoggedMain(WorkloadManager workloads, Supervisor supervisor, IReadOnlyList<string> argv, string? stdinPath)
    {
        var output = LoggedOutput.Create(workloads.CmdLog, tee: true, ended: workloads.MainOutputDrained.Set, out var stdoutWrite, out var stderrWrite, out var error);
        if (output is null) return supervisor.StartMain(argv, stdinPath);
        try
        {
            error = supervisor.StartMain(argv, stdinPath, stdoutWrite, stderrWrite);
        }
        finally
        {
            Pipe.Close(ref stdoutWrite);
            Pipe.Close(ref stderrWrite);
        }

        if (error != 0)
        {
            output.CloseAll();
            return error;
        }

        workloads.Pump.Add(output);
        return 0;
    }
}
