namespace Hearth.Agent.Workloads;

/// <summary>
/// Runs actions at a time: restarts after their delay, a run's late end, the log sweeps. One
/// thread for all of them (PID 1 stays small, and the thread pool stays out of the agent); an
/// action runs on that thread and must not block for long.
/// </summary>
internal sealed class Scheduler
{
    private readonly object _gate = new();
    private readonly PriorityQueue<long, long> _due = new();
    private readonly Dictionary<long, Action> _actions = [];
    private long _nextId;

    private bool _started;

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/>; the id cancels it.</summary>
    public long Schedule(TimeSpan delay, Action action)
    {
        lock (_gate)
        {
            // The thread starts with the first action: a workspace without workloads never has it.
            if (!_started)
            {
                _started = true;
                new Thread(Run, 256 * 1024) { IsBackground = true, Name = "hearth-timers" }.UnsafeStart();
            }

            var id = ++_nextId;
            _actions[id] = action;
            _due.Enqueue(id, Environment.TickCount64 + (long)Math.Max(0, delay.TotalMilliseconds));
            Monitor.PulseAll(_gate);
            return id;
        }
    }

    /// <summary>Forgets an action that has not run yet; 0 and unknown ids are ignored.</summary>
    public void Cancel(long id)
    {
        lock (_gate) _actions.Remove(id);
    }

    private void Run()
    {
        while (true)
        {
            Action? action = null;
            lock (_gate)
            {
                while (action is null)
                {
                    if (!_due.TryPeek(out var id, out var due))
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }

                    var wait = due - Environment.TickCount64;
                    if (wait > 0)
                    {
                        Monitor.Wait(_gate, (int)Math.Min(wait, int.MaxValue));
                        continue;
                    }

                    _due.Dequeue();
                    _actions.Remove(id, out action);
                }
            }

            try
            {
                action();
            }
            catch (Exception e)
            {
                // PID 1 must outlive a bug in one action.
                StandardError.WriteLine($"timer: {e}");
            }
        }
    }
}
