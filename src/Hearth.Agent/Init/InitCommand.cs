using Hearth.Agent.Interop;
using Hearth.Agent.Server;
using Hearth.Agent.Workloads;

namespace Hearth.Agent.Init;

/// <summary>
/// <c>hearth-agent init [--socket PATH] [--] [CMD ARGS...]</c>: PID 1 of a workspace. Serves the
/// agent protocol, runs CMD, if given, in its own process group, forwards signals to it, reaps
/// every process, and exits with CMD's code once it and the processes it left behind are gone.
/// Without CMD it reaps until told to stop.
/// </summary>
internal sealed class InitCommand
{
    /// <summary>What the remaining processes get between SIGTERM and SIGKILL once CMD has exited.</summary>
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(2);

    /// <summary>The same with workloads running: within hearthd's default stop grace (10 s), before its SIGKILL.</summary>
    private static readonly TimeSpan WorkloadGracePeriod = TimeSpan.FromSeconds(8);

    /// <summary>How long the end waits for workloads' last lines and notes to reach their logs (a run's end waits 250 ms for its pipes).</summary>
    private static readonly TimeSpan RunEndGrace = TimeSpan.FromSeconds(1);

    /// <summary>Exit code when CMD cannot be started, as sh(1p) reports a command not found.</summary>
    private const int CannotRun = 127;

    private readonly string[] _argv;

    /// <summary>Where the protocol server listens; null for the default, which applies only as PID 1.</summary>
    private readonly string? _socketPath;

    private InitCommand(string[] argv, string? socketPath)
    {
        _argv = argv;
        _socketPath = socketPath;
    }

    /// <summary>
    /// Parses the arguments after "init". <c>--socket PATH</c> moves the protocol socket (for
    /// running the agent outside a container); a leading "--" ends the options; any other
    /// leading "-" argument is refused so that options can be added later without changing what
    /// an existing command line means.
    /// </summary>
    public static InitCommand? Parse(ReadOnlySpan<string> arguments)
    {
        string? socketPath = null;
        if (arguments.Length > 0 && arguments[0] == "--socket")
        {
            if (arguments.Length < 2 || arguments[1].Length == 0) return null;
            socketPath = arguments[1];
            arguments = arguments[2..];
        }

        if (arguments.Length > 0 && arguments[0] == "--")
            return new InitCommand(arguments[1..].ToArray(), socketPath);
        if (arguments.Length > 0 && arguments[0].StartsWith('-'))
            return null;
        return new InitCommand(arguments.ToArray(), socketPath);
    }

    /// <summary>Runs until the end described on the type; returns the process exit code.</summary>
    public int Run()
    {
        StandardInput.EnsureOpen();

        // Outside a container (a test, a developer's shell) the agent is not PID 1: becoming a
        // subreaper (prctl(2), PR_SET_CHILD_SUBREAPER) still brings the command's orphans to it.
        var isInit = Libc.GetPid() == 1;
        if (!isInit)
            Libc.Prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

        var supervisor = new Supervisor();
        using var signals = SignalForwarder.Register(supervisor);
        new Reaper(supervisor).Start();

        // One thread moves the output of every process the agent starts: exec tasks, workloads, CMD.
        var pump = PipePump.Start(out var pumpError);
        if (pump is null)
            StandardError.WriteLine($"agent socket, workloads and logs disabled: eventfd: {Libc.Describe(pumpError)}");

        // Workloads and logs live on the workspace's disk: only as PID 1 of a workspace, never
        // on a developer's machine (the paths are absolute).
        var workloads = isInit && pump is not null ? WorkloadsSetup.Create(supervisor, pump) : null;
        supervisor.Workloads = workloads;

        // The workloads on the disk are loaded (and started) before any request can see them.
        workloads?.Boot();

        // Before CMD starts, so hearthd can dial as soon as the workspace runs. Outside a pid
        // namespace only on request: the default path is at the root of the host.
        var socketPath = _socketPath ?? (isInit ? AgentServer.DefaultSocketPath : null);
        if (socketPath is not null && pump is not null)
            AgentServer.TryStart(socketPath, supervisor, pump);

        if (_argv.Length > 0)
        {
            var stdinPath = StandardInput.IsInheritable() ? null : StandardInput.Substitute;
            var error = workloads is null ? supervisor.StartMain(_argv, stdinPath) : WorkloadsSetup.StartLoggedMain(workloads, supervisor, _argv, stdinPath);
            if (error != 0)
            {
                StandardError.WriteLine($"cannot run '{_argv[0]}': {Libc.Describe(error)}");
                return CannotRun;
            }
        }

        // kill(2) with pid -1 reaches every process in the pid namespace but PID 1 itself, and
        // whatever is left dies with PID 1 anyway (pid_namespaces(7)). Outside a namespace the
        // same call would reach every process of the user, so there the main command's process
        // group stands in for "everything" (and with no main command there is nothing to stop).
        var mainPid = supervisor.MainPid;
        var everyone = isInit ? -1 : mainPid != 0 ? -mainPid : 0;

        var mainStatus = supervisor.WaitForEnd();
        // Workloads stop with the workspace (and are not recorded as stopped by a request); they
        // may need longer than leftovers of a command to shut down cleanly (a database).
        workloads?.BeginShutdown();
        var grace = workloads?.AnyRunning == true ? WorkloadGracePeriod : GracePeriod;
        if (mainStatus is null)
        {
            // Told to stop with no command running: whatever a workload or `crun exec` left.
            if (everyone == 0) return 0;
            Libc.Kill(everyone, Libc.SIGTERM);
            supervisor.WaitUntilChildless(grace);
            Libc.Kill(everyone, Libc.SIGKILL);
            workloads?.WaitForRuns(RunEndGrace);
            return 0;
        }

        Libc.Kill(everyone, Libc.SIGTERM);
        supervisor.WaitUntilChildless(grace);
        Libc.Kill(everyone, Libc.SIGKILL);
        workloads?.WaitForRuns(RunEndGrace);
        // CMD's last output is in its pipes until the pump has read it: the console and the cmd
        // log get it before PID 1 exits.
        workloads?.MainOutputDrained.Wait(RunEndGrace);
        return mainStatus.Value.ToExitCode();
    }
}
