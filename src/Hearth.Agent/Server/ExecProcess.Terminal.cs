using System.Text.Json;
using Hearth.Agent.Init;
using Hearth.Agent.Interop;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Server;

/// <summary>A process on a pseudo-terminal (<c>spawn</c> with <c>pty</c>): how it starts and how it is resized.</summary>
/// <remarks>
/// The master is the process's only output and its input at once. The pump reads it as stdout
/// and writes stdin to a dup(2) of it, so each number is closed once, by the pump. Read fails
/// with EIO once every descriptor of the slave is closed — the process and whatever it left
/// behind have gone — which the pump takes for end of file; output written before that is
/// still read first, so nothing a shell prints on its way out is lost.
/// </remarks>
internal sealed partial class ExecProcess
{
    /// <summary>What a terminal's programs are told they run on, unless the request's <c>env</c> says.</summary>
    private const string DefaultTerm = "xterm-256color";

    /// <summary>A size from <c>resize</c> that the pump has yet to apply; null when none.</summary>
    private AgentPtySize? _pendingSize;

    /// <summary>Whether the process runs on a pseudo-terminal.</summary>
    public bool IsTerminal { get; }

    /// <summary>
    /// Pump thread: the size the last <c>resize</c> asked for, once; null if none is pending.
    /// The pump applies it, since the master's numbers are the pump's to use.
    /// </summary>
    public override AgentPtySize? TakeResize() => IsTerminal ? Interlocked.Exchange(ref _pendingSize, null) : null;

    private static ExecProcess? StartOnTerminal(
        Connection connection, uint stream, AgentMessage request, AgentPtySize size, string program, string cwd,
        Supervisor supervisor, PipePump pump, out string failure)
    {
        var process = new ExecProcess(connection, stream, pump, hasStdin: true, isTerminal: true);
        var error = Pty.Open(size.Cols, size.Rows, out process.StdoutFd, out var slavePath);
        if (error != 0)
        {
            failure = $"cannot open a pseudo-terminal: {Libc.Describe(error)}";
            return null;
        }

        process.StdinFd = Libc.Fcntl(process.StdoutFd, Libc.F_DUPFD_CLOEXEC, 3);
        if (process.StdinFd < 0)
        {
            failure = $"cannot duplicate the terminal: {Libc.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}";
            process.CloseAll();
            return null;
        }

        var options = new SpawnOptions
        {
            Argv = request.Argv!,
            Program = program,
            Environment = WithTerm(request.Env),
            WorkingDirectory = cwd,
            TerminalPath = slavePath,
        };
        error = supervisor.StartChild(options, process, out var pid);
        if (error != 0)
        {
            // The error may also be the child's open of the slave: name the terminal too.
            failure = $"{Describe(error, program, cwd)} (on {slavePath})";
            process.CloseAll();
            return null;
        }

        process.Pid = pid;
        // One open file description behind both numbers: this makes both non-blocking.
        Pipe.SetNonBlocking(process.StdoutFd);
        failure = "";
        return process;
    }

    /// <summary>
    /// <c>resize</c> with <c>args {cols, rows}</c>: queued for the pump, which sets the size
    /// with TIOCSWINSZ (the kernel then sends SIGWINCH to the terminal's foreground group).
    /// Bad args are answered on stream 0; the stream goes on either way.
    /// </summary>
    private bool Resize(AgentMessage message)
    {
        AgentPtySize? size = null;
        try
        {
            if (message.Args is { ValueKind: JsonValueKind.Object } args)
                size = args.Deserialize(AgentTerminalsJsonContext.Default.AgentPtySize);
        }
        catch (JsonException)
        {
            // Answered below, like a missing size.
        }

        if (size is not { IsValid: true })
        {
            Volatile.Read(ref _connection)?.SendError(0, "bad_request",
                $"stream {Stream}: resize needs args cols and rows, each from 1 to {AgentPtySize.Max}");
            return true;
        }

        Volatile.Write(ref _pendingSize, size);
        _pump.Wake();
        return true;
    }

    private static IReadOnlyDictionary<string, string> WithTerm(IReadOnlyDictionary<string, string>? env)
    {
        if (env is not null && env.ContainsKey("TERM")) return env;
        var merged = env is null ? [] : new Dictionary<string, string>(env);
        merged["TERM"] = DefaultTerm;
        return merged;
    }
}
