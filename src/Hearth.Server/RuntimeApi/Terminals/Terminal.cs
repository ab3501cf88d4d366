using Hearth.Protocol.Agent;
using Hearth.Protocol.Runtime;
using Hearth.Runtime;
using Hearth.Runtime.Agent;

namespace Hearth.Server.RuntimeApi.Terminals;

/// <summary>
/// One terminal session: a process on a pseudo-terminal in the workspace, and its output in a
/// <see cref="ScrollbackRing"/>. Its pump reads the agent without ever waiting for a client, so
/// the process runs at its own pace whether a socket is connected, slow or gone; what a slow
/// socket has not sent by the time the ring wraps is lost to it (docs/design/runtime-terminals.md).
/// </summary>
internal sealed class Terminal
{
    /// <summary>The exit code given to a terminal whose agent connection broke before its process ended.</summary>
    public const int LostExitCode = -1;

    private readonly AgentProcess process;
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action changed;
    private readonly object gate = new();
    private int? exitCode;
    private AgentPtySize size;

    public Terminal(string id, IReadOnlyList<string> command, AgentPtySize size, int scrollbackSize, AgentProcess process, Action changed)
    {
        Id = id;
        IdByte = byte.Parse(id, System.Globalization.CultureInfo.InvariantCulture);
        Command = command;
        this.size = size;
        this.process = process;
        this.changed = changed;
        Scrollback = new ScrollbackRing(scrollbackSize);
        CreatedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The session id: a number from 1 to 255 as text, the id byte of its <c>/ws</c> frames.</summary>
    public string Id { get; }

    public byte IdByte { get; }

    public IReadOnlyList<string> Command { get; }

    public DateTimeOffset CreatedAt { get; }

    public ScrollbackRing Scrollback { get; }

    public AgentPtySize Size => Volatile.Read(ref size);

    /// <summary>The exit code once the process has ended and all its output is in <see cref="Scrollback"/>; null while it runs.</summary>
    public int? ExitCode
    {
        get { lock (gate) return exitCode; }
    }

    /// <summary>Completes when <see cref="ExitCode"/> is set.</summary>
    public Task Exited => exited.Task;

    /// <summary>Moves the agent's output into the scrollback until the process ends; started once, never throws.</summary>
    public async Task PumpAsync()
    {
        var code = LostExitCode;
        try
        {
            await foreach (var item in process.Output.ReadAllAsync())
            {
                if (item is AgentData data)
                {
                    Scrollback.Append(data.Bytes.Span);
                    changed();
                }
                else if (item is AgentExit exit)
                {
                    code = exit.ShellCode;
                }
            }
        }
        catch (RuntimeException)
        {
            // The agent connection broke: the agent hangs the terminal up (agent-protocol.md).
        }

        // Set after the last append: whoever sees the code has every byte in the ring.
        lock (gate) exitCode = code;
        exited.TrySetResult();
        changed();
    }

    /// <summary>Types <paramref name="bytes"/> into the terminal; nothing once it has ended.</summary>
    public async Task WriteInputAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        if (ExitCode is not null || bytes.IsEmpty) return;
        try
        {
            await process.WriteStdinAsync(bytes, cancellationToken);
        }
        catch (Exception e) when (e is RuntimeException or ObjectDisposedException)
        {
            // The connection broke, or closed with the last terminal: the pump reports the end.
        }
    }

    /// <summary>Sets the terminal's size (TIOCSWINSZ in the agent; its programs get SIGWINCH).</summary>
    public async Task ResizeAsync(AgentPtySize newSize, CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref size, newSize);
        if (ExitCode is not null) return;
        try
        {
            await process.ResizeAsync(newSize, cancellationToken);
        }
        catch (Exception e) when (e is RuntimeException or ObjectDisposedException)
        {
            // As in WriteInputAsync.
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the terminal's process group, if it still runs.</summary>
    public async Task SignalAsync(int signal)
    {
        if (ExitCode is not null) return;
        try
        {
            await process.SignalAsync(signal);
        }
        catch (Exception e) when (e is RuntimeException or ObjectDisposedException)
        {
            // The connection is gone, and the agent has hung the terminal up.
        }
    }

    public TerminalSession ToWire() => new()
    {
        Success = true,
        Id = Id,
        Command = Command,
        Cols = Size.Cols,
        Rows = Size.Rows,
        Alive = ExitCode is null,
        ExitCode = ExitCode,
        CreatedAt = CreatedAt,
        ScrollbackSize = Scrollback.Capacity,
    };
}
