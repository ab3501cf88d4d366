using System.Runtime.InteropServices;
using Hearth.Agent.Init;
using Hearth.Agent.Interop;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Server;

/// <summary>
/// A process started by a <c>spawn</c>: its pipes, the stream it reports on, its stdin queue and
/// how it ended. It belongs to the agent, not to the connection: when the connection goes, the
/// process runs on, its output is read and dropped and its stdin is closed.
/// </summary>
/// <remarks>
/// Invariants. The pipe descriptors are the pump's once <see cref="PipePump.Add"/> has run:
/// only the pump thread reads, writes or closes them, so a descriptor is never closed while
/// another thread may still use its number. <c>exit</c> is sent once, under <see cref="_gate"/>,
/// when both output pipes have reached end of file and the reaper has reported the status;
/// every output frame was queued before the pipe's end of file was recorded, so <c>exit</c> is
/// the last frame of the stream. Lock order: this process, then the connection.
/// </remarks>
internal sealed partial class ExecProcess : PumpedProcess, IChildWatcher, IAgentStream
{
    /// <summary>
    /// Stdin bytes queued for a process that does not read them. The protocol has no flow control
    /// towards the agent, and PID 1 must not run out of memory for a stuck process: beyond this
    /// the queue is dropped, stdin is closed and hearthd is told on stream 0.
    /// </summary>
    private const long StdinLimit = 8 * 1024 * 1024;

    private readonly object _gate = new();
    private readonly PipePump _pump;
    private readonly bool _hasStdin;
    private readonly Queue<ReadOnlyMemory<byte>> _stdin = new();
    private Connection? _connection;
    private long _stdinQueued;
    private int _stdinOffset;
    private bool _stdinCloseRequested;
    private bool _stdoutOpen = true;
    private bool _stderrOpen;
    private WaitStatus? _status;
    private bool _ended;

    private ExecProcess(Connection connection, uint stream, PipePump pump, bool hasStdin, bool isTerminal)
    {
        _connection = connection;
        Stream = stream;
        _pump = pump;
        _hasStdin = hasStdin;
        IsTerminal = isTerminal;
        // A terminal has one output, the master; there is no stderr to wait for.
        _stderrOpen = !isTerminal;
    }

    /// <summary>The stream id on the connection that started it.</summary>
    public uint Stream { get; }

    /// <summary>Its pid, also its process group id.</summary>
    public int Pid { get; private set; }

    // The agent's ends of the pipes are PumpedProcess's fields. On a terminal, StdoutFd is the
    // master and StdinFd a dup(2) of it: two numbers for one open file, so the pump closes each
    // once without ever closing a number twice.

    /// <summary>
    /// Creates the pipes and starts the process of <paramref name="request"/>, which
    /// <see cref="SpawnRequest.Validate"/> accepted. Returns null and a message for hearthd if
    /// it cannot start. The caller hands the process to the pump after sending <c>spawned</c>.
    /// </summary>
    public static ExecProcess? Start(
        Connection connection, uint stream, AgentMessage request, Supervisor supervisor, PipePump pump, out string failure)
    {
        var argv = request.Argv!;
        var cwd = request.Cwd ?? "/";
        string? pathVariable = null;
        if (request.Env?.TryGetValue("PATH", out pathVariable) != true)
            pathVariable = Environment.GetEnvironmentVariable("PATH");

        var error = ProgramSearch.Find(argv[0], pathVariable, cwd, out var program);
        if (error != 0)
        {
            failure = Describe(error, argv[0], cwd);
            return null;
        }

        if (request.Pty is { } size)
            return StartOnTerminal(connection, stream, request, size, program, cwd, supervisor, pump, out failure);

        var process = new ExecProcess(connection, stream, pump, request.Stdin == true, isTerminal: false);
        int stdoutWrite = -1, stderrWrite = -1, stdinRead = -1;
        try
        {
            error = Pipe.Create(out process.StdoutFd, out stdoutWrite);
            if (error == 0) error = Pipe.Create(out process.StderrFd, out stderrWrite);
            if (error == 0 && request.Stdin == true) error = Pipe.Create(out stdinRead, out process.StdinFd);
            if (error != 0)
            {
                failure = $"cannot create pipes: {Libc.Describe(error)}";
                process.CloseAll();
                return null;
            }

            var options = new SpawnOptions
            {
                Argv = argv,
                Program = program,
                Environment = request.Env,
                WorkingDirectory = cwd,
                StdinFd = stdinRead,
                StdinPath = stdinRead < 0 ? "/dev/null" : null,
                StdoutFd = stdoutWrite,
                StderrFd = stderrWrite,
            };
            error = supervisor.StartChild(options, process, out var pid);
            if (error != 0)
            {
                failure = Describe(error, program, cwd);
                process.CloseAll();
                return null;
            }

            process.Pid = pid;
            Pipe.SetNonBlocking(process.StdoutFd);
            Pipe.SetNonBlocking(process.StderrFd);
            if (process.StdinFd >= 0) Pipe.SetNonBlocking(process.StdinFd);
            failure = "";
            return process;
        }
        finally
        {
            // The child has its copies (or never started); the agent keeps only its own ends.
            Pipe.Close(ref stdoutWrite);
            Pipe.Close(ref stderrWrite);
            Pipe.Close(ref stdinRead);
        }
    }

    /// <summary>Reaper thread: the process has been reaped.</summary>
    public void OnExited(WaitStatus status)
    {
        lock (_gate)
        {
            _status = status;
            EndIfDone();
        }
    }

    // ---- Called by the pump thread. ----

    /// <summary>Whether output should wait because the connection is congested.</summary>
    public override bool IsOutputHeld => Volatile.Read(ref _connection)?.IsCongested ?? false;

    /// <summary>A chunk of output, sent as it is or dropped when the connection is gone.</summary>
    public override void OnOutput(FrameKind kind, ReadOnlySpan<byte> chunk) =>
        Volatile.Read(ref _connection)?.Send(kind, Stream, chunk.ToArray());

    /// <summary>The pipe of <paramref name="kind"/> reached end of file (the pump has closed it).</summary>
    public override void OnOutputEnd(FrameKind kind)
    {
        lock (_gate)
        {
            if (kind == FrameKind.Stdout) _stdoutOpen = false;
            else _stderrOpen = false;
            EndIfDone();
        }
    }

    /// <summary>
    /// What the pump should do with stdin now: close it (true), or write <paramref name="chunk"/>
    /// if it is not empty. The chunk stays queued until <see cref="OnStdinWritten"/>.
    /// </summary>
    public override bool NextStdin(out ReadOnlyMemory<byte> chunk)
    {
        lock (_gate)
        {
            chunk = _stdin.TryPeek(out var first) ? first[_stdinOffset..] : default;
            return chunk.IsEmpty && _stdinCloseRequested;
        }
    }

    /// <summary><paramref name="count"/> bytes of the chunk from <see cref="NextStdin"/> were written.</summary>
    public override void OnStdinWritten(int count)
    {
        lock (_gate)
        {
            if (!_stdin.TryPeek(out var first)) return;
            _stdinQueued -= count;
            _stdinOffset += count;
            if (_stdinOffset < first.Length) return;
            _stdin.Dequeue();
            _stdinOffset = 0;
        }
    }

    /// <summary>The process's end of stdin is closed (EPIPE): nothing queued can arrive any more.</summary>
    public override void OnStdinBroken()
    {
        lock (_gate)
        {
            DropStdin();
            _stdinCloseRequested = true;
        }
    }

    // ---- Called by the connection. ----

    /// <summary>Queues bytes for stdin; the pump writes them when the pipe has room.</summary>
    public void WriteStdin(ReadOnlyMemory<byte> data)
    {
        Connection? overflowed = null;
        lock (_gate)
        {
            if (!_hasStdin || _stdinCloseRequested || data.IsEmpty) return;
            if (_stdinQueued + data.Length > StdinLimit)
            {
                DropStdin();
                _stdinCloseRequested = true;
                overflowed = _connection;
            }
            else
            {
                _stdin.Enqueue(data);
                _stdinQueued += data.Length;
            }
        }

        overflowed?.SendError(0, "stdin_overflow",
            $"stream {Stream}: more than {StdinLimit} bytes of stdin waiting; dropped, and stdin closed");
        _pump.Wake();
    }

    /// <summary>Closes stdin once what is queued has been written.</summary>
    public void CloseStdin()
    {
        lock (_gate) _stdinCloseRequested = true;
        _pump.Wake();
    }

    /// <summary>
    /// kill(2) to the process group, or to the process alone if it has left its group (ESRCH),
    /// as the init's forwarding does. Nothing once the stream has ended. The group outlives a
    /// reaped leader while a member runs (which is what keeps a stream open), and Linux does not
    /// reuse a pid while it names a group, so -pid cannot reach a stranger.
    /// </summary>
    public void Signal(int signal)
    {
        lock (_gate)
        {
            if (_ended) return;
            if (Libc.Kill(-Pid, signal) == 0) return;
            if (Marshal.GetLastPInvokeError() == Libc.ESRCH && _status is null)
                Libc.Kill(Pid, signal);
        }
    }

    /// <summary>
    /// A process on a pipe knows no control messages beyond <c>signal</c>; one on a terminal
    /// also takes <c>resize</c> (see <see cref="Resize"/>).
    /// </summary>
    public bool Control(AgentMessage message) => IsTerminal && message.Op == "resize" && Resize(message);

    /// <summary>
    /// The connection is gone: keep running, drop output, close stdin. A terminal's process is
    /// hung up instead (SIGHUP to its group, as when a terminal's line drops): nobody can type
    /// into it or read it any more, and a shell would otherwise wait for input forever.
    /// </summary>
    public void OnConnectionLost()
    {
        lock (_gate)
        {
            Volatile.Write(ref _connection, null);
            DropStdin();
            _stdinCloseRequested = true;
        }

        if (IsTerminal) Signal(Libc.SIGHUP);
        _pump.Wake();
    }

    /// <summary>Under <see cref="_gate"/>: sends <c>exit</c> once the end is known and all output has been read.</summary>
    private void EndIfDone()
    {
        if (_ended || _stdoutOpen || _stderrOpen || _status is not { } status) return;
        _ended = true;
        // Nobody can write to stdin once the stream is gone.
        _stdinCloseRequested = true;
        DropStdin();
        _pump.Wake();

        var connection = _connection;
        if (connection is null) return;
        connection.SendControl(Stream, status.Exited
            ? new AgentMessage { Op = "exit", ExitCode = status.ExitStatus }
            : new AgentMessage { Op = "exit", Signal = status.TermSignal });
        connection.OnStreamEnded(this);
    }

    private void DropStdin()
    {
        _stdin.Clear();
        _stdinQueued = 0;
        _stdinOffset = 0;
    }

    /// <summary>Before the pump owns them: closes the agent's ends after a failed start.</summary>
    private void CloseAll()
    {
        Pipe.Close(ref StdoutFd);
        Pipe.Close(ref StderrFd);
        Pipe.Close(ref StdinFd);
    }

    private static string Describe(int error, string program, string cwd) => error switch
    {
        Libc.ENOENT when !Directory.Exists(cwd) => $"no such directory: {cwd}",
        Libc.ENOTDIR when !Directory.Exists(cwd) => $"not a directory: {cwd}",
        Libc.ENOENT => $"no such file: {program}",
        Libc.EACCES => $"permission denied: {program}",
        _ => $"{program}: {Libc.Describe(error)}",
    };
}
