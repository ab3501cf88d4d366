using System.Runtime.InteropServices;
using Hearth.Agent.Init;
using Hearth.Agent.Interop;
using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Search;

/// <summary>
/// A process an operation starts for itself (ripgrep) and reads on the operation's own
/// thread: stdout and stderr pipes read with poll(2) until both end, a deadline, a stop
/// condition or cancellation. Started through the <see cref="Supervisor"/>, so the reaper
/// hands its exit status here instead of losing it, in a process group of its own, so a kill
/// reaches whatever it started.
/// </summary>
internal sealed unsafe class HelperProcess : IChildWatcher, IDisposable
{
    /// <summary>How often a wait looks at the cancellation token.</summary>
    private const int TickMilliseconds = 100;

    private readonly ManualResetEventSlim _exited = new();
    private int _stdout = -1;
    private int _stderr = -1;
    private WaitStatus _status;

    private HelperProcess()
    {
    }

    public int Pid { get; private set; }

    public enum Outcome
    {
        /// <summary>Both pipes reached end of file.</summary>
        Ended,
        /// <summary>The stop condition became true.</summary>
        Stopped,
        /// <summary>The deadline passed.</summary>
        TimedOut,
    }

    /// <summary>Starts <paramref name="argv"/> (executing <paramref name="program"/>) in <paramref name="workingDirectory"/>, stdin from /dev/null.</summary>
    public static HelperProcess Start(Supervisor supervisor, IReadOnlyList<string> argv, string program, string workingDirectory)
    {
        var process = new HelperProcess();
        int stdoutWrite = -1, stderrWrite = -1;
        try
        {
            var error = Pipe.Create(out process._stdout, out stdoutWrite);
            if (error == 0) error = Pipe.Create(out process._stderr, out stderrWrite);
            if (error != 0) throw new OperationException("io_error", $"cannot create pipes: {Libc.Describe(error)}");
            var options = new SpawnOptions
            {
                Argv = argv,
                Program = program,
                WorkingDirectory = workingDirectory,
                StdinPath = "/dev/null",
                StdoutFd = stdoutWrite,
                StderrFd = stderrWrite,
            };
            error = supervisor.StartChild(options, process, out var pid);
            if (error != 0) throw new OperationException("io_error", $"cannot start {program}: {Libc.Describe(error)}");
            process.Pid = pid;
            Pipe.SetNonBlocking(process._stdout);
            Pipe.SetNonBlocking(process._stderr);
            return process;
        }
        catch
        {
            process.Dispose();
            throw;
        }
        finally
        {
            Pipe.Close(ref stdoutWrite);
            Pipe.Close(ref stderrWrite);
        }
    }

    /// <summary>Reaper thread: the process has been reaped.</summary>
    public void OnExited(WaitStatus status)
    {
        _status = status;
        _exited.Set();
    }

    /// <summary>
    /// Reads both pipes into the callbacks until both end (<see cref="Outcome.Ended"/>),
    /// <paramref name="stop"/> turns true after a read, or <paramref name="deadline"/>
    /// (<see cref="Environment.TickCount64"/>) passes. Throws when cancelled.
    /// </summary>
    public Outcome Pump(Action<ReadOnlySpan<byte>> onStdout, Action<ReadOnlySpan<byte>> onStderr, Func<bool> stop,
        long deadline, CancellationToken cancellation)
    {
        var buffer = new byte[64 * 1024];
        var fds = stackalloc PollFd[2];
        while (_stdout >= 0 || _stderr >= 0)
        {
            cancellation.ThrowIfCancellationRequested();
            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0) return Outcome.TimedOut;
            fds[0] = new PollFd { Fd = _stdout, Events = Libc.POLLIN };
            fds[1] = new PollFd { Fd = _stderr, Events = Libc.POLLIN };
            var ready = Libc.Poll(fds, 2, (int)Math.Min(remaining, TickMilliseconds));
            if (ready < 0 && Marshal.GetLastPInvokeError() != Libc.EINTR)
                throw new OperationException("io_error", $"poll: {Libc.Describe(Marshal.GetLastPInvokeError())}");
            if (ready <= 0) continue;
            if (fds[0].ReturnedEvents != 0 && !Drain(ref _stdout, buffer, onStdout, stop)) return Outcome.Stopped;
            if (fds[1].ReturnedEvents != 0) Drain(ref _stderr, buffer, onStderr, static () => false);
        }
        return Outcome.Ended;
    }

    /// <summary>Waits (a bounded time) for the reaper's report; the process's exit status, or null.</summary>
    public WaitStatus? WaitForExit(TimeSpan timeout) => _exited.Wait(timeout) ? _status : null;

    /// <summary>SIGKILL to the process group, unless the process has been reaped already.</summary>
    public void Kill()
    {
        if (Pid > 0 && !_exited.IsSet) Libc.Kill(-Pid, Libc.SIGKILL);
    }

    public void Dispose()
    {
        Pipe.Close(ref _stdout);
        Pipe.Close(ref _stderr);
    }

    /// <summary>Reads what the pipe holds now; false if <paramref name="stop"/> turned true.</summary>
    private static bool Drain(ref int fd, byte[] buffer, Action<ReadOnlySpan<byte>> sink, Func<bool> stop)
    {
        while (fd >= 0)
        {
            nint count;
            fixed (byte* pointer = buffer)
                count = Libc.Read(fd, pointer, (nuint)buffer.Length);
            if (count > 0)
            {
                sink(buffer.AsSpan(0, (int)count));
                if (stop()) return false;
                continue;
            }
            if (count < 0 && Marshal.GetLastPInvokeError() is Libc.EAGAIN or Libc.EINTR) return true;
            Pipe.Close(ref fd);
        }
        return true;
    }
}
