using System.Runtime.InteropServices;
using Hearth.Agent.Interop;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Server;

/// <summary>
/// One thread that moves the bytes of every spawned process: it polls (poll(2)) the agent's
/// ends of their pipes (or terminal masters), reads stdout and stderr in chunks of at most
/// <see cref="ChunkSize"/>, and writes queued stdin. One thread for all processes keeps PID 1 small however many run;
/// every pipe end it touches is non-blocking, so one process never holds up another.
/// </summary>
/// <remarks>
/// A process's output pipes are left out of the poll set while its connection is congested
/// (<see cref="FrameSender"/>); the pump is woken when that changes, when a process is added,
/// and when stdin has something to do. Woken means an eventfd(2) turns readable; a flag keeps
/// wake-ups that arrive before the pump has looked from costing a write(2) each.
/// </remarks>
internal sealed unsafe class PipePump
{
    /// <summary>The largest output chunk, hence frame payload, the agent sends.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>How often the pump considers giving memory back (see <see cref="TrimIfQuiet"/>).</summary>
    private const int TrimIntervalMilliseconds = 1000;

    /// <summary>Allocations that make a trim worth it, and the most a quiet interval may see.</summary>
    private const long TrimThreshold = 1024 * 1024;

    private readonly object _gate = new();
    private readonly List<PumpedProcess> _added = [];
    private readonly int _wakeFd;
    private int _wakePending;

    // The processes and the poll set, rebuilt on every pass; the pump thread's alone.
    private readonly List<PumpedProcess> _processes = [];
    private PollFd[] _fds = new PollFd[8];
    private (PumpedProcess Process, PipeRole Role)[] _owners = new (PumpedProcess, PipeRole)[8];
    private int _count;

    private PipePump(int wakeFd) => _wakeFd = wakeFd;

    /// <summary>Allocation counts (GC.GetTotalAllocatedBytes) at the last trim and the last check, and when that check was.</summary>
    private struct TrimState
    {
        public long AllocatedAtTrim;
        public long AllocatedAtCheck;
        public long CheckedAt;
    }

    private enum PipeRole : byte
    {
        Stdout,
        Stderr,
        Stdin,
    }

    /// <summary>Creates the pump and starts its thread; null (and the error number) if eventfd fails.</summary>
    public static PipePump? Start(out int error)
    {
        var wakeFd = Libc.EventFd(0, Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        if (wakeFd < 0)
        {
            error = Marshal.GetLastPInvokeError();
            return null;
        }

        error = 0;
        var pump = new PipePump(wakeFd);
        var thread = new Thread(pump.Run) { IsBackground = true, Name = "hearth-pump" };
        thread.UnsafeStart();
        return pump;
    }

    /// <summary>Hands <paramref name="process"/>'s pipes to the pump thread.</summary>
    public void Add(PumpedProcess process)
    {
        lock (_gate) _added.Add(process);
        Wake();
    }

    /// <summary>Makes the pump look at every process again. Never blocks; callable from any thread.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) != 0) return;
        ulong one = 1;
        Libc.Write(_wakeFd, (byte*)&one, sizeof(ulong));
    }

    private void Run()
    {
        // PID 1 must outlive a bug here: an exception escaping a thread ends the process, and the
        // workspace with it. A failed pass is reported and the loop goes on.
        while (true)
        {
            try
            {
                Loop();
            }
            catch (Exception e)
            {
                StandardError.WriteLine($"pump: {e}");
                Thread.Sleep(100);
            }
        }
    }

    private void Loop()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ChunkSize, pinned: true);
        var allocated = GC.GetTotalAllocatedBytes();
        var trim = new TrimState { AllocatedAtTrim = allocated, AllocatedAtCheck = allocated, CheckedAt = Environment.TickCount64 };
        while (true)
        {
            lock (_gate)
            {
                _processes.AddRange(_added);
                _added.Clear();
            }

            _processes.RemoveAll(p => p.StdoutFd < 0 && p.StderrFd < 0 && p.StdinFd < 0);

            _count = 0;
            Watch(_wakeFd, Libc.POLLIN, null!, default);
            foreach (var process in _processes)
            {
                ApplyResize(process);
                var held = process.IsOutputHeld;
                if (process.StdoutFd >= 0 && !held)
                    Watch(process.StdoutFd, Libc.POLLIN, process, PipeRole.Stdout);
                if (process.StderrFd >= 0 && !held)
                    Watch(process.StderrFd, Libc.POLLIN, process, PipeRole.Stderr);
                if (process.StdinFd < 0) continue;
                if (process.NextStdin(out var chunk))
                    Pipe.Close(ref process.StdinFd);
                else
                    // With no events asked for, poll still reports POLLERR once the reader is gone.
                    Watch(process.StdinFd, chunk.IsEmpty ? (short)0 : Libc.POLLOUT, process, PipeRole.Stdin);
            }

            // Ended processes must not stay reachable from the poll set.
            Array.Clear(_owners, _count, _owners.Length - _count);

            var timeout = TrimIfQuiet(ref trim);
            int ready;
            fixed (PollFd* set = _fds)
                ready = Libc.Poll(set, (nuint)_count, timeout);
            if (ready <= 0) continue; // a timeout (see TrimIfQuiet), or EINTR from the runtime's own signals

            if (_fds[0].ReturnedEvents != 0)
            {
                ulong drained;
                Libc.Read(_wakeFd, (byte*)&drained, sizeof(ulong));
                // Cleared before the next pass reads any state; see Wake.
                Volatile.Write(ref _wakePending, 0);
            }

            for (var i = 1; i < _count; i++)
            {
                var events = _fds[i].ReturnedEvents;
                if (events == 0) continue;
                var (process, role) = _owners[i];
                if (role == PipeRole.Stdin)
                    PumpStdin(process, events);
                else
                    PumpOutput(process, role, buffer);
            }
        }
    }

    /// <summary>
    /// A burst of output leaves the GC's regions touched, resident in PID 1 of every workspace
    /// until the next collection, which an idle agent never reaches. Every
    /// <see cref="TrimIntervalMilliseconds"/>, if more than <see cref="TrimThreshold"/> has been
    /// allocated since the last trim but less than that in the interval just past (the burst is
    /// over, though a process may still trickle output), an aggressive collection decommits
    /// what the burst left. Returns the poll timeout: -1 while there is nothing to give back, so
    /// an idle agent never wakes.
    /// </summary>
    private static int TrimIfQuiet(ref TrimState state)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        if (allocated - state.AllocatedAtTrim <= TrimThreshold) return -1;

        var now = Environment.TickCount64;
        var due = state.CheckedAt + TrimIntervalMilliseconds;
        if (now < due) return (int)(due - now);

        if (allocated - state.AllocatedAtCheck <= TrimThreshold)
        {
            AgentMemory.Trim();
            allocated = GC.GetTotalAllocatedBytes();
            state.AllocatedAtTrim = allocated;
        }

        state.AllocatedAtCheck = allocated;
        state.CheckedAt = now;
        return allocated - state.AllocatedAtTrim <= TrimThreshold ? -1 : TrimIntervalMilliseconds;
    }

    private void Watch(int fd, short events, PumpedProcess process, PipeRole role)
    {
        if (_count == _fds.Length)
        {
            Array.Resize(ref _fds, _count * 2);
            Array.Resize(ref _owners, _count * 2);
        }

        _fds[_count] = new PollFd { Fd = fd, Events = events };
        _owners[_count] = (process, role);
        _count++;
    }

    private static void PumpOutput(PumpedProcess process, PipeRole role, byte[] buffer)
    {
        var kind = role == PipeRole.Stdout ? FrameKind.Stdout : FrameKind.Stderr;
        ref var fd = ref role == PipeRole.Stdout ? ref process.StdoutFd : ref process.StderrFd;
        nint read;
        fixed (byte* start = buffer)
            read = Libc.Read(fd, start, (nuint)buffer.Length);
        if (read > 0)
        {
            process.OnOutput(kind, buffer.AsSpan(0, (int)read));
            return;
        }

        if (read < 0 && Marshal.GetLastPInvokeError() is Libc.EAGAIN or Libc.EINTR) return;

        // End of file, or an error no read will get past: either way the stream's output is over.
        Pipe.Close(ref fd);
        process.OnOutputEnd(kind);
    }

    /// <summary>Sets a terminal's size if a <c>resize</c> is pending (a master number is the pump's to use).</summary>
    private static void ApplyResize(PumpedProcess process)
    {
        if (process.TakeResize() is not { } size) return;
        var master = process.StdoutFd >= 0 ? process.StdoutFd : process.StdinFd;
        if (master >= 0) Pty.SetSize(master, size.Cols, size.Rows);
    }

    private static void PumpStdin(PumpedProcess process, short events)
    {
        if ((events & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) == 0)
        {
            process.NextStdin(out var chunk);
            if (chunk.IsEmpty) return;
            // A resize that came before these bytes takes effect before they are typed.
            ApplyResize(process);
            nint written;
            fixed (byte* start = chunk.Span)
                written = Libc.Write(process.StdinFd, start, (nuint)chunk.Length);
            if (written >= 0)
            {
                process.OnStdinWritten((int)written);
                return;
            }

            if (Marshal.GetLastPInvokeError() is Libc.EAGAIN or Libc.EINTR) return;
        }

        // The process closed its end (EPIPE; the runtime ignores SIGPIPE) or exited.
        process.OnStdinBroken();
        Pipe.Close(ref process.StdinFd);
    }
}
