using System.Runtime.InteropServices;
using Hearth.Agent.Interop;

namespace Hearth.Agent.Init;

/// <summary>
/// The state PID 1 shares between its actors: the main thread (starts the command, waits for
/// the end, runs the shutdown), the reaper thread (waitpid), signal handlers (which the runtime
/// runs on threads of its own), and the protocol server's connections (which start processes
/// through <see cref="StartChild"/>). Every field is guarded by <see cref="_gate"/>; no call
/// made under it blocks for longer than a posix_spawn or a kill.
/// </summary>
internal sealed class Supervisor
{
    /// <summary>
    /// How long the reaper sleeps with no children before it looks again. A wake-up normally
    /// comes earlier, from a spawn or the shutdown. The timeout covers processes that join the
    /// namespace from outside (crun exec): their orphans are reparented to PID 1 without any
    /// event the agent can wait on, because SIGCHLD cannot be handled here (see README.md).
    /// </summary>
    private static readonly TimeSpan ChildlessRecheck = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();

    /// <summary>The main command's pid, which is also its process group id; 0 before it starts.</summary>
    private int _mainPid;

    /// <summary>Set once the reaper has collected the main command.</summary>
    private WaitStatus? _mainStatus;

    /// <summary>Processes started through <see cref="StartChild"/> that have not been reaped, by pid.</summary>
    private readonly Dictionary<int, IChildWatcher> _children = [];

    /// <summary>A terminating signal that arrived with no main command to forward it to.</summary>
    private int _terminateSignal;

    /// <summary>A terminating signal arrived during the shutdown grace period: cut it short.</summary>
    private bool _hurry;

    /// <summary>Bumped whenever the reaper should look at its children again (spawn, shutdown).</summary>
    private long _generation;

    /// <summary>
    /// The highest <see cref="_generation"/> that was current when a waitpid call started that
    /// then failed with ECHILD: proof that there were no children left at or after that point.
    /// </summary>
    private long _childlessGeneration = -1;

    /// <summary>
    /// The workloads (docs/design/workloads.md), once the init has set them up: only as PID 1 of
    /// a workspace, whose disk they live on. Set before the protocol server starts.
    /// </summary>
    public Workloads.WorkloadManager? Workloads { get; set; }

    /// <summary>The main command's pid and process group id; 0 if it never started.</summary>
    public int MainPid
    {
        get { lock (_gate) return _mainPid; }
    }

    /// <summary>
    /// Starts the main command. The pid is recorded under the lock that <see cref="OnReaped"/>
    /// takes, so the reaper cannot collect the command's status before it knows the pid, however
    /// fast the command exits. Returns 0 or an error number; does not start anything (and returns
    /// 0) if a terminating signal has already arrived. Output goes to <paramref name="stdoutFd"/>
    /// and <paramref name="stderrFd"/> (the cmd log's pipes), or to the agent's own when -1.
    /// </summary>
    public int StartMain(IReadOnlyList<string> argv, string? stdinPath, int stdoutFd = -1, int stderrFd = -1)
    {
        lock (_gate)
        {
            if (_terminateSignal != 0) return 0;

            var error = PosixSpawn.Start(
                new SpawnOptions { Argv = argv, StdinPath = stdinPath, StdoutFd = stdoutFd, StderrFd = stderrFd }, out var pid);
            if (error != 0) return error;

            _mainPid = pid;
            _generation++;
            Monitor.PulseAll(_gate);
            return 0;
        }
    }

    /// <summary>
    /// Starts a process that is not the main command; its exit status goes to
    /// <paramref name="watcher"/> instead. As in <see cref="StartMain"/>, the pid is registered
    /// under the lock <see cref="OnReaped"/> takes, so a process that exits at once is still
    /// routed to its watcher. Returns 0 or an error number.
    /// </summary>
    public int StartChild(SpawnOptions options, IChildWatcher watcher, out int pid)
    {
        lock (_gate)
        {
            var error = PosixSpawn.Start(options, out pid);
            if (error != 0) return error;

            _children.Add(pid, watcher);
            _generation++;
            Monitor.PulseAll(_gate);
            return 0;
        }
    }

    /// <summary>
    /// Blocks until the main command has been reaped (its status is returned) or a terminating
    /// signal arrived while no command was running (null).
    /// </summary>
    public WaitStatus? WaitForEnd()
    {
        lock (_gate)
        {
            while (_mainStatus is null && _terminateSignal == 0)
                Monitor.Wait(_gate);
            return _mainStatus;
        }
    }

    /// <summary>
    /// Blocks until the reaper has found no children left, at most <paramref name="timeout"/>,
    /// or until a further terminating signal asks to hurry. Call after signalling the remaining
    /// processes: only an ECHILD from a waitpid that started after this call counts.
    /// </summary>
    public void WaitUntilChildless(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            var target = ++_generation;
            Monitor.PulseAll(_gate);
            while (_childlessGeneration < target && !_hurry)
            {
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0) return;
                Monitor.Wait(_gate, (int)remaining);
            }
        }
    }

    /// <summary>The reaper reads this before each waitpid; see <see cref="OnChildless"/>.</summary>
    public long Generation
    {
        get { lock (_gate) return _generation; }
    }

    /// <summary>
    /// Called by the reaper for every process it collects, orphans included. A watcher is told
    /// outside the lock: it sends frames, and nothing that waits on a connection may hold it.
    /// </summary>
    public void OnReaped(int pid, int status)
    {
        IChildWatcher? watcher;
        lock (_gate)
        {
            if (!_children.Remove(pid, out watcher))
            {
                if (pid != _mainPid || _mainStatus is not null) return;
                _mainStatus = new WaitStatus(status);
                Monitor.PulseAll(_gate);
                return;
            }
        }

        watcher.OnExited(new WaitStatus(status));
    }

    /// <summary>
    /// Called by the reaper when waitpid failed with ECHILD; <paramref name="generation"/> is the
    /// value it read before that call. Sleeps until there may be children again.
    /// </summary>
    public void OnChildless(long generation)
    {
        lock (_gate)
        {
            if (generation > _childlessGeneration)
            {
                _childlessGeneration = generation;
                Monitor.PulseAll(_gate);
            }

            if (_generation == generation)
                Monitor.Wait(_gate, ChildlessRecheck);
        }
    }

    /// <summary>
    /// Called for every signal the agent handles. While the main command runs, the signal goes
    /// to its process group, so a shell pipeline gets it as it would from a terminal. Otherwise
    /// only SIGTERM, SIGINT and SIGQUIT matter: they end the agent.
    /// </summary>
    public void OnSignal(int signal)
    {
        // SIGTERM is how a workspace is stopped: workloads stop now, beside the main command,
        // and none restarts. Outside the lock: the workloads take theirs first, then this one.
        if (signal == Libc.SIGTERM) Workloads?.BeginShutdown();

        lock (_gate)
        {
            if (_mainPid != 0 && _mainStatus is null)
            {
                Forward(signal);
                return;
            }

            if (signal is not (Libc.SIGTERM or Libc.SIGINT or Libc.SIGQUIT)) return;

            if (_mainStatus is not null)
                _hurry = true;
            else
                _terminateSignal = signal;
            Monitor.PulseAll(_gate);
        }
    }

    private void Forward(int signal)
    {
        // kill(2) with -pgid. The command may have left its group (setsid, or a shell with job
        // control moving itself), which leaves the group empty: ESRCH. Then at least the command
        // itself gets the signal.
        if (Libc.Kill(-_mainPid, signal) == 0) return;
        if (Marshal.GetLastPInvokeError() == Libc.ESRCH)
            Libc.Kill(_mainPid, signal);
    }
}
