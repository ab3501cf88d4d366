using System.Runtime.InteropServices;
using Hearth.Agent.Interop;

namespace Hearth.Agent.Init;

/// <summary>
/// The one thread the agent adds: it collects every child of PID 1, including orphans the kernel
/// reparents to it (pid_namespaces(7), "the init process"), so none is left a zombie.
/// </summary>
internal sealed class Reaper
{
    private readonly Supervisor _supervisor;

    public Reaper(Supervisor supervisor) => _supervisor = supervisor;

    /// <summary>Starts the reaper as a background thread: it never ends, and must not hold up exit.</summary>
    public void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "hearth-reaper" };
        thread.UnsafeStart();
    }

    private void Run()
    {
        while (true)
        {
            var generation = _supervisor.Generation;
            var pid = Libc.WaitPid(-1, out var status, 0);
            if (pid > 0)
            {
                _supervisor.OnReaped(pid, status);
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case Libc.EINTR:
                    // The runtime's own signals (GC suspension) interrupt the wait.
                    break;
                case Libc.ECHILD:
                    _supervisor.OnChildless(generation);
                    break;
                default:
                    // waitpid(2) lists only EINVAL besides these, for bad options: a bug, but
                    // PID 1 must not die of it, nor spin.
                    StandardError.WriteLine($"waitpid: {Libc.Describe(errno)}");
                    Thread.Sleep(1000);
                    break;
            }
        }
    }
}
