using Hearth.Agent.Init;
using Hearth.Agent.Interop;
using Hearth.Agent.Logs;
using Hearth.Agent.Server;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Workloads;

namespace Hearth.Agent.Workloads;

/// <summary>
/// The workloads of this workspace (docs/design/workloads.md): their definitions on the disk,
/// their runs, their restart policies, their logs. Requests come from operation threads, ends
/// from the reaper (a status) and the pump (the pipes' end), restarts from the scheduler; all of
/// them change state under <see cref="_gate"/>. Lock order: this gate, then the supervisor's
/// (spawns), the pump's (adds) and a log's (notes) — none of those calls back in while held.
/// </summary>
internal sealed partial class WorkloadManager
{
    /// <summary>How long a run's end waits for its pipes to close after its status arrived (a process of its session may hold them).</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a stop waits after SIGKILL before it reports the state as it is.</summary>
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly object _gate = new();
    private readonly List<Workload> _workloads = [];
    private readonly Supervisor _supervisor;
    private readonly PipePump _pump;
    private readonly Scheduler _scheduler;
    private readonly WorkloadStore _store;
    private readonly WorkloadUsage _usage = new();
    private bool _shuttingDown;
    private bool _sweeping;

    public WorkloadManager(Supervisor supervisor, PipePump pump, Scheduler scheduler, WorkloadStore store, SegmentedLog boot, SegmentedLog cmd)
    {
        _supervisor = supervisor;
        _pump = pump;
        _scheduler = scheduler;
        _store = store;
        BootLog = boot;
        CmdLog = cmd;
    }

    /// <summary>The agent's own messages and its workloads' comings and goings (<c>source=boot</c>).</summary>
    public SegmentedLog BootLog { get; }

    /// <summary>The main command's output (<c>source=cmd</c>).</summary>
    public SegmentedLog CmdLog { get; }

    /// <summary>Set once the main command's output pipes are drained into the cmd log (and the console).</summary>
    public ManualResetEventSlim MainOutputDrained { get; } = new();

    /// <summary>Reads the output of workloads and of the main command into their logs.</summary>
    public PipePump Pump => _pump;

    /// <summary>Loads the definitions and starts what should run with the workspace; then sweeps the logs every minute.</summary>
    public void Boot()
    {
        lock (_gate)
        {
            foreach (var stored in _store.Load(BootLog.Note))
            {
                // The file is the workspace's to edit: what fails the rules, or a duplicate, is
                // skipped with a note, and nothing in one definition may keep PID 1 from booting.
                try
                {
                    WorkloadRules.Check(stored.Spec);
                    if (_workloads.Count >= WorkloadLimits.MaxWorkloads || FindOrNull(stored.Spec.Id!) is not null || FindOrNull(stored.Spec.Name) is not null)
                        throw new OperationException("bad_request", "a duplicate id or name, or one workload too many");
                    var workload = new Workload(stored, OpenLog(stored.Spec));
                    _workloads.Add(workload);
                    var spec = workload.Spec;
                    if (spec.AutoStart && spec.Enabled && (!workload.StoppedByRequest || spec.RestartPolicy == WorkloadRestartPolicy.Always))
                    {
                        if (!spec.KeepLogs) TryClear(workload.Log);
                        Launch(workload);
                    }
                }
                catch (Exception e)
                {
                    BootLog.Note($"workload {stored.Spec.Name} ({stored.Spec.Id}): not loaded: {e.Message}");
                }
            }
            if (_workloads.Count > 0) ScheduleSweep();
        }
    }

    public WorkloadInfo Create(WorkloadSpec request)
    {
        WorkloadRules.Check(request);
        lock (_gate)
        {
            if (_workloads.Count >= WorkloadLimits.MaxWorkloads)
                throw new OperationException("workload_limit", $"a workspace has at most {WorkloadLimits.MaxWorkloads} workloads");
            var id = request.Id ?? NewId();
            if (FindOrNull(id) is not null)
                throw new OperationException("workload_exists", $"a workload with the id or name '{id}' exists");
            if (FindOrNull(request.Name) is not null)
                throw new OperationException("workload_exists", $"a workload named '{request.Name}' exists");

            var now = DateTimeOffset.UtcNow;
            var stored = new StoredWorkload
            {
                Spec = request with { Id = id, Origin = request.Origin ?? "api" },
                CreatedAt = now,
                UpdatedAt = now,
            };
            var log = OpenLog(stored.Spec);
            _store.Save(stored);
            var workload = new Workload(stored, log);
            _workloads.Add(workload);
            ScheduleSweep();
            BootLog.Note($"workload {workload.Spec.Name} ({id}) created");
            if (stored.Spec.AutoStart && stored.Spec.Enabled) Launch(workload);
            return workload.ToInfo();
        }
    }

    /// <summary>Every workload without its <c>env</c> (get has it): 64 definitions with theirs would not fit one frame.</summary>
    public IReadOnlyList<WorkloadInfo> List()
    {
        lock (_gate) return _workloads.Select(w => w.ToInfo() with { Env = null }).ToList();
    }

    public WorkloadInfo Get(string reference)
    {
        lock (_gate) return Find(reference).ToInfo();
    }

    public WorkloadInfo Update(string reference, WorkloadPatch patch)
    {
        lock (_gate)
        {
            var workload = Find(reference);
            if (patch.Name is { } name && name != workload.Spec.Name && FindOrNull(name) is not null)
                throw new OperationException("workload_exists", $"a workload with the id or name '{name}' exists");
            var spec = patch.ApplyTo(workload.Spec);
            WorkloadRules.Check(spec);
            var previous = workload.Spec;
            workload.Spec = spec;
            workload.UpdatedAt = DateTimeOffset.UtcNow;
            Persist(workload, () => workload.Spec = previous);
            workload.Log.SetLimits(MaxBytes(spec), Retention(spec));
            return workload.ToInfo();
        }
    }

    /// <summary>Starts a workload that does not run (a request: the restart count starts again); one that runs is left as it is.</summary>
    public WorkloadInfo Start(string reference)
    {
        lock (_gate)
        {
            var workload = Find(reference);
            if (workload.Deleting)
                throw new OperationException("conflict", $"workload {workload.Spec.Name} is being deleted");
            if (workload.Run is not null)
            {
                if (workload.StopRequested)
                    throw new OperationException("conflict", $"workload {workload.Spec.Name} is being stopped; start it once the stop has returned");
                return workload.ToInfo();
            }

            CancelRestart(workload);
            if (workload.StoppedByRequest)
            {
                workload.StoppedByRequest = false;
                TryPersist(workload);
            }

            workload.RestartCount = 0;
            workload.RestartsInARow = 0;
            if (!workload.Spec.KeepLogs) TryClear(workload.Log);
            Launch(workload);
            return workload.ToInfo();
        }
    }

    /// <summary>Stops a workload and returns once its run has ended: SIGTERM to its session, SIGKILL after <paramref name="timeout"/>.</summary>
    public WorkloadInfo Stop(string reference, TimeSpan timeout)
    {
        lock (_gate)
        {
            var workload = Find(reference);
            StopLocked(workload, timeout);
            return workload.ToInfo();
        }
    }

    /// <summary>Stops a workload and forgets it: its definition and its log go.</summary>
    public WorkloadInfo Delete(string reference, TimeSpan timeout)
    {
        lock (_gate) return DeleteLocked(Find(reference), timeout);
    }

    /// <summary>Deletes every workload: all get SIGTERM at once, so the whole takes one <paramref name="timeout"/>, not one each.</summary>
    public IReadOnlyList<WorkloadInfo> DeleteAll(TimeSpan timeout)
    {
        lock (_gate)
        {
            var all = _workloads.Where(w => !w.Deleting).ToList();
            foreach (var workload in all) workload.Deleting = true;
            StopAllLocked(all, timeout);
            return all.Select(w => DeleteLocked(w, TimeSpan.Zero) with { Env = null }).ToList();
        }
    }

    /// <summary>The figures of one workload, or of all; takes up to 250 ms when there is no recent sample to compare with.</summary>
    public IReadOnlyList<WorkloadStats> Stats(string? reference)
    {
        List<WorkloadUsage.Subject> subjects;
        lock (_gate)
        {
            var chosen = reference is null ? _workloads : [Find(reference)];
            subjects = chosen.Select(w => new WorkloadUsage.Subject(
                w.Id, w.Spec.Name, w.State, w.Run?.Pid,
                w.Run is { } run ? (DateTimeOffset.UtcNow - run.StartedAt).TotalSeconds : 0, w.RestartCount)).ToList();
        }

        return _usage.Measure(subjects);
    }

    /// <summary>A workload's log.</summary>
    public SegmentedLog LogOf(string reference)
    {
        lock (_gate) return Find(reference).Log;
    }

    /// <summary>Every workload's log, with the workload's name.</summary>
    public IReadOnlyList<(string Name, SegmentedLog Log)> Logs()
    {
        lock (_gate) return _workloads.Select(w => (w.Spec.Name, w.Log)).ToList();
    }

    /// <summary>
    /// The workspace is stopping (the agent got SIGTERM): nothing restarts any more, and every
    /// workload gets SIGTERM now; the init's shutdown sends everyone SIGKILL after its grace.
    /// Nothing is recorded as a stop request, so the workloads start again with the workspace.
    /// </summary>
    public void BeginShutdown()
    {
        lock (_gate)
        {
            if (_shuttingDown) return;
            _shuttingDown = true;
            foreach (var workload in _workloads)
            {
                CancelRestart(workload);
                if (workload.State == WorkloadState.Pending) workload.State = WorkloadState.Stopped;
                if (workload.Run is { } run) SignalSession(run.Pid, Libc.SIGTERM);
            }
        }
    }

    /// <summary>
    /// At the end of the init's shutdown (everyone signalled): waits, at most
    /// <paramref name="timeout"/>, until every run's end is recorded, so that its last lines and
    /// its "stopped" note are in its log before PID 1 exits.
    /// </summary>
    public void WaitForRuns(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            while (_workloads.Any(w => w.Run is not null))
            {
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0) return;
                Monitor.Wait(_gate, (int)remaining);
            }
        }
    }

    /// <summary>Whether any workload has a process (the shutdown gives them a longer grace).</summary>
    public bool AnyRunning
    {
        get { lock (_gate) return _workloads.Any(w => w.Run is not null); }
    }

    // ---- Runs. ----

    /// <summary>Under the gate: starts a run of <paramref name="workload"/>, or records why it cannot start.</summary>
    private void Launch(Workload workload)
    {
        workload.NextRestartAt = null;
        var options = WorkloadLauncher.Prepare(workload.Spec, out var failure);
        if (options is null)
        {
            CannotStart(workload, failure);
            return;
        }

        var run = new WorkloadRun(this, workload);
        var output = LoggedOutput.Create(workload.Log, tee: false, run.OnOutputEnded, out var stdoutWrite, out var stderrWrite, out var error);
        if (output is null)
        {
            CannotStart(workload, $"cannot create pipes: {Libc.Describe(error)}");
            return;
        }

        try
        {
            error = _supervisor.StartChild(options with { StdinPath = "/dev/null", StdoutFd = stdoutWrite, StderrFd = stderrWrite }, run, out var pid);
            if (error != 0)
            {
                output.CloseAll();
                CannotStart(workload, $"cannot run {workload.Spec.Cmd[0]}: {Libc.Describe(error)}");
                return;
            }

            run.Pid = pid;
        }
        finally
        {
            // The child has its copies (or never started); the agent keeps only its own ends.
            Pipe.Close(ref stdoutWrite);
            Pipe.Close(ref stderrWrite);
        }

        workload.Run = run;
        workload.State = WorkloadState.Running;
        workload.StartedAt = run.StartedAt;
        workload.ExitCode = null;
        workload.ExitSignal = null;
        workload.Error = null;
        // The note before the pump reads a byte of output, so it comes before the run's first line.
        workload.Log.Note($"started (pid {run.Pid}): {string.Join(' ', workload.Spec.Cmd)}");
        _pump.Add(output);
    }

    private void CannotStart(Workload workload, string reason)
    {
        workload.State = WorkloadState.Failed;
        workload.Error = reason;
        workload.FinishedAt = DateTimeOffset.UtcNow;
        workload.Log.Note($"cannot start: {reason}");
        BootLog.Note($"workload {workload.Spec.Name}: cannot start: {reason}");
        EndedForGood(workload);
    }

    /// <summary>
    /// Reaper thread: the run's leader has been reaped. Handed to the scheduler's thread: the
    /// reaper (every process's end) and the pump (every process's output) never wait for this
    /// gate, which requests hold across disk writes.
    /// </summary>
    internal void OnRunExited(WorkloadRun run, WaitStatus status) => _scheduler.Schedule(TimeSpan.Zero, () => RunExited(run, status));

    private void RunExited(WorkloadRun run, WaitStatus status)
    {
        lock (_gate)
        {
            run.Status = status;
            // The run is its leader: what it left in its session goes with it (as a container's
            // processes go with its init), so a restart never meets the last run's children.
            SignalSession(run.Pid, Libc.SIGKILL);
            if (run.OutputEnded)
                Finish(run);
            else
                _scheduler.Schedule(OutputGrace, () =>
                {
                    lock (_gate)
                    {
                        if (!run.Finished) Finish(run);
                    }
                });
        }
    }

    /// <summary>Pump thread: both output pipes of the run are closed (handled on the scheduler's thread, as <see cref="OnRunExited"/>).</summary>
    internal void OnRunOutputEnded(WorkloadRun run) => _scheduler.Schedule(TimeSpan.Zero, () => RunOutputEnded(run));

    private void RunOutputEnded(WorkloadRun run)
    {
        lock (_gate)
        {
            run.OutputEnded = true;
            if (run.Status is not null && !run.Finished) Finish(run);
        }
    }

    /// <summary>Under the gate: the run is over; decides, by the policy, what comes next.</summary>
    private void Finish(WorkloadRun run)
    {
        run.Finished = true;
        Monitor.PulseAll(_gate);
        var workload = run.Workload;
        if (workload.Run != run) return;

        var status = run.Status!.Value;
        var now = DateTimeOffset.UtcNow;
        workload.Run = null;
        workload.FinishedAt = now;
        workload.ExitCode = status.Exited ? status.ExitStatus : null;
        workload.ExitSignal = status.Exited ? null : status.TermSignal;
        var how = status.Exited ? $"exited with code {status.ExitStatus}" : $"killed by signal {status.TermSignal}";
        if (workload.StopRequested || workload.Deleting || _shuttingDown)
        {
            workload.StopRequested = false;
            workload.State = WorkloadState.Stopped;
            // A deleted workload's log is going with it.
            if (!workload.Deleting) workload.Log.Note($"stopped ({how})");
            return;
        }

        var failed = !(status.Exited && status.ExitStatus == 0);
        var restart = workload.Spec.RestartPolicy switch
        {
            WorkloadRestartPolicy.Always or WorkloadRestartPolicy.UnlessStopped => true,
            WorkloadRestartPolicy.OnFailure => failed,
            _ => false,
        };
        if (now - run.StartedAt >= TimeSpan.FromSeconds(WorkloadLimits.StableRunSeconds))
            workload.RestartsInARow = 0;

        if (!restart)
        {
            workload.State = failed ? WorkloadState.Failed : WorkloadState.Exited;
            workload.Error = failed ? how : null;
            workload.Log.Note(how);
            BootLog.Note($"workload {workload.Spec.Name} {how}");
            EndedForGood(workload);
            return;
        }

        var max = workload.Spec.MaxRestarts;
        if (max > 0 && workload.RestartsInARow >= max)
        {
            workload.State = WorkloadState.Failed;
            workload.Error = $"{how}; gave up after {max} restarts in a row";
            workload.Log.Note(workload.Error);
            BootLog.Note($"workload {workload.Spec.Name}: {workload.Error}");
            EndedForGood(workload);
            return;
        }

        var delay = RestartDelay(workload.Spec, workload.RestartsInARow);
        workload.RestartsInARow++;
        workload.RestartCount++;
        workload.State = WorkloadState.Pending;
        workload.NextRestartAt = now + delay;
        workload.Log.Note($"{how}; restarting in {delay.TotalSeconds:0.###} s (restart {workload.RestartCount})");
        BootLog.Note($"workload {workload.Spec.Name} {how}; restarting in {delay.TotalSeconds:0.###} s");
        workload.RestartTimer = _scheduler.Schedule(delay, () =>
        {
            lock (_gate)
            {
                if (workload.State != WorkloadState.Pending || workload.Deleting || _shuttingDown) return;
                workload.RestartTimer = 0;
                Launch(workload);
            }
        });
    }

    /// <summary>The workload will not run again by itself: <c>vm_on_exit</c> may end the workspace.</summary>
    private void EndedForGood(Workload workload)
    {
        if (workload.Spec.VmOnExit is not ("stop" or "exit") || _shuttingDown) return;
        BootLog.Note($"workload {workload.Spec.Name} ended; stopping the workspace (vm_on_exit: {workload.Spec.VmOnExit})");
        // As if the workspace were told to stop: the main command (if any) gets SIGTERM, then all.
        _scheduler.Schedule(TimeSpan.Zero, () => _supervisor.OnSignal(Libc.SIGTERM));
    }

    /// <summary>A crash loop with no delay would spin PID 1 (notes, /proc scans): restarts are at least this far apart, as Docker's.</summary>
    private const double MinRestartDelaySeconds = 0.1;

    private static TimeSpan RestartDelay(WorkloadSpec spec, int inARow)
    {
        var seconds = Math.Max(MinRestartDelaySeconds, spec.RestartDelay) * (spec.RestartBackoff ? Math.Pow(2, Math.Min(inARow, 30)) : 1);
        return TimeSpan.FromSeconds(Math.Min(seconds, WorkloadLimits.MaxRestartDelaySeconds));
    }

    // ---- Stop and delete. ----

    private void StopLocked(Workload workload, TimeSpan timeout) => StopAllLocked([workload], timeout);

    /// <summary>
    /// Under the gate, which it releases while it waits: SIGTERM to every run of
    /// <paramref name="workloads"/>, SIGKILL to those still running after <paramref name="timeout"/>,
    /// and back once all have finished (or <see cref="KillGrace"/> after the SIGKILL).
    /// </summary>
    private void StopAllLocked(IReadOnlyList<Workload> workloads, TimeSpan timeout)
    {
        var runs = new List<WorkloadRun>();
        foreach (var workload in workloads)
        {
            CancelRestart(workload);
            if (!workload.StoppedByRequest)
            {
                workload.StoppedByRequest = true;
                TryPersist(workload);
            }

            if (workload.State == WorkloadState.Pending) workload.State = WorkloadState.Stopped;
            if (workload.Run is not { } run) continue;
            workload.StopRequested = true;
            SignalSession(run.Pid, Libc.SIGTERM);
            runs.Add(run);
        }

        if (WaitForFinish(runs, timeout)) return;
        foreach (var run in runs.Where(r => !r.Finished))
        {
            run.Workload.Log.Note($"still running {timeout.TotalSeconds:0.###} s after SIGTERM: SIGKILL");
            SignalSession(run.Pid, Libc.SIGKILL);
        }

        WaitForFinish(runs, KillGrace);
    }

    private WorkloadInfo DeleteLocked(Workload workload, TimeSpan timeout)
    {
        workload.Deleting = true;
        StopLocked(workload, timeout);
        _workloads.Remove(workload);
        try { _store.Delete(workload.Id); }
        catch (IOException e) { BootLog.Note($"workload {workload.Spec.Name}: cannot delete its definition: {e.Message}"); }
        workload.Log.Delete();
        BootLog.Note($"workload {workload.Spec.Name} ({workload.Id}) deleted");
        return workload.ToInfo();
    }

    /// <summary>Under the gate, which it releases while it waits: true once every run has finished.</summary>
    private bool WaitForFinish(List<WorkloadRun> runs, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (runs.Any(r => !r.Finished))
        {
            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0) return false;
            Monitor.Wait(_gate, (int)Math.Min(remaining, int.MaxValue));
        }

        return true;
    }

    /// <summary>The session's processes, and the leader's group directly (which a /proc walk could miss while it forks).</summary>
    private static void SignalSession(int session, int signal)
    {
        Libc.Kill(-session, signal);
        SessionProcesses.Signal(session, signal);
    }

    // ---- Helpers. ----

    private void CancelRestart(Workload workload)
    {
        _scheduler.Cancel(workload.RestartTimer);
        workload.RestartTimer = 0;
        workload.NextRestartAt = null;
    }

    /// <summary>Writes the definition; on failure puts the in-memory change back (<paramref name="undo"/>) and throws.</summary>
    private void Persist(Workload workload, Action undo)
    {
        try
        {
            _store.Save(workload.ToStored());
        }
        catch
        {
            undo();
            throw;
        }
    }

    /// <summary>
    /// Records whether a stop request was the last word. Best effort: a full disk must not keep a
    /// workload from being stopped or started; only which workloads start with the workspace
    /// next time may then be the old answer (the boot log says so).
    /// </summary>
    private void TryPersist(Workload workload)
    {
        try
        {
            _store.Save(workload.ToStored());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            BootLog.Note($"workload {workload.Spec.Name}: cannot record its state: {e.Message}");
        }
    }

    /// <summary>Clears a log; a disk that refuses is noted, never fatal (boot, starts).</summary>
    private void TryClear(SegmentedLog log)
    {
        try { log.Clear(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            BootLog.Note($"cannot clear {log.Directory}: {e.Message}");
        }
    }

    private Workload Find(string reference) =>
        FindOrNull(reference) ?? throw new OperationException("workload_not_found", $"no workload with the id or name '{reference}'");

    /// <summary>By id first, then by name.</summary>
    private Workload? FindOrNull(string reference) =>
        _workloads.Find(w => w.Id == reference) ?? _workloads.Find(w => w.Spec.Name == reference);

    private static SegmentedLog OpenLog(WorkloadSpec spec) => SegmentedLog.Open(WorkloadPaths.LogOf(spec.Id!), MaxBytes(spec), Retention(spec));

    private static long MaxBytes(WorkloadSpec spec) => spec.MaxLogSizeMb * 1024L * 1024L;

    private static TimeSpan Retention(WorkloadSpec spec) => TimeSpan.FromHours(spec.LogRetentionHours);

    /// <summary>Random.Shared, not RandomNumberGenerator: .NET's cryptographic one needs OpenSSL, which an image need not have; an id only has to be unique here.</summary>
    private static string NewId() => "wl_" + new string(Random.Shared.GetItems("abcdefghijklmnopqrstuvwxyz0123456789".AsSpan(), 10));

    /// <summary>Under the gate: from the first workload on, logs are swept for their age limits every minute.</summary>
    private void ScheduleSweep()
    {
        if (_sweeping) return;
        _sweeping = true;
        _scheduler.Schedule(SweepInterval, Sweep);
    }

    private void Sweep()
    {
        foreach (var (_, log) in Logs()) log.Sweep();
        _scheduler.Schedule(SweepInterval, Sweep);
    }
}
