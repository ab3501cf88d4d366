using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Json;
using Hearth.Protocol.Runtime;

namespace Hearth.Server.RuntimeApi.Terminals;

/// <summary>
/// One <c>/ws</c> connection of a workspace (oblien-api.md §3.6): terminal output out as binary
/// frames <c>[id][bytes]</c> and exit notices as text, terminal input in as binary frames,
/// resizes in as text, and every message published to <see cref="WorkspaceEvents"/> out as text.
/// </summary>
/// <remarks>
/// Back-pressure: the socket never holds terminal output of its own. It keeps a cursor per
/// terminal into the terminal's <see cref="ScrollbackRing"/> and sends from there as fast as
/// the client takes it; a client slower than a terminal's output loses what the ring dropped
/// before it was sent, and hearthd's memory stays at the rings' size whatever the client does.
/// Other text messages wait in <see cref="WorkspaceEvents"/>' bounded queue. One send at a
/// time (a WebSocket allows no more), under <see cref="sendLock"/>.
/// </remarks>
internal sealed partial class RuntimeSocket(WebSocket socket, WorkspaceTerminals terminals, WorkspaceEvents events, Func<bool> workspaceRuns,
    ILogger<RuntimeSocket> logger)
{
    /// <summary>How often the socket checks that the workspace run it belongs to goes on.</summary>
    private static readonly TimeSpan RunCheckInterval = TimeSpan.FromSeconds(1);

    public const string StoppedDescription = "the workspace stopped";

    /// <summary>The close status a socket gets when a newer one of the same workspace replaces it (an application code, RFC 6455 §7.4.2).</summary>
    public const WebSocketCloseStatus ReplacedStatus = (WebSocketCloseStatus)4001;

    public const string ReplacedDescription = "replaced by a newer /ws connection of this workspace";

    /// <summary>Terminal bytes per binary frame sent.</summary>
    private const int OutputChunk = 32 * 1024;

    /// <summary>The largest text message read; longer ones are dropped unread.</summary>
    private const int MaxTextMessage = 64 * 1024;

    /// <summary>How long a closing handshake may take before the connection is cut.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource replaced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Where this socket is in each terminal's output; the sender's alone.</summary>
    private readonly Dictionary<Terminal, Cursor> cursors = [];

    /// <summary>A newer socket of the workspace took over: this one closes with <see cref="ReplacedStatus"/>.</summary>
    public void Replace() => replaced.TrySetResult();

    /// <summary>Serves the socket until the client closes it, it breaks, or it is replaced; then closes it.</summary>
    public async Task RunAsync()
    {
        using var subscription = events.Subscribe(terminals.WorkspaceId);
        terminals.Changed += Wake;
        try
        {
            // After subscribing, so that nothing that happens from here on is missed. Live
            // terminals replay their scrollback; ended ones only send their exit notice.
            foreach (var terminal in terminals.List())
                cursors[terminal] = new Cursor(terminal.ExitCode is null ? terminal.Scrollback.Start : terminal.Scrollback.End);
            Wake();

            using var stop = new CancellationTokenSource();
            var receive = ReceiveAsync();
            var send = SendTerminalsAsync(stop.Token);
            var forward = ForwardEventsAsync(subscription.Reader, stop.Token);
            var stopped = WaitForWorkspaceStopAsync(stop.Token);
            var first = await Task.WhenAny(receive, send, forward, replaced.Task, stopped);
            await stop.CancelAsync();
            await Task.WhenAll(send, forward, stopped).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var (status, description) = first == replaced.Task ? (ReplacedStatus, ReplacedDescription)
                : first == stopped ? (WebSocketCloseStatus.EndpointUnavailable, StoppedDescription)
                : (WebSocketCloseStatus.NormalClosure, "");
            await CloseAsync(first == replaced.Task || first == stopped, status, description, receive);
        }
        finally
        {
            terminals.Changed -= Wake;
        }
    }

    private void Wake() => wake.Writer.TryWrite(true);

    /// <summary>
    /// Ends when the workspace run this socket belongs to is over (stopped, paused into a stop,
    /// restarted): its terminals are gone, so the client is told to reconnect rather than watch
    /// a terminal set nobody will write to again.
    /// </summary>
    private async Task WaitForWorkspaceStopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RunCheckInterval);
        while (workspaceRuns())
            await timer.WaitForNextTickAsync(cancellationToken);
    }

    /// <summary>Sends each terminal's new output, a chunk per terminal in turn, and its exit notice after its last byte.</summary>
    private async Task SendTerminalsAsync(CancellationToken cancellationToken)
    {
        var frame = new byte[1 + OutputChunk];
        while (true)
        {
            await wake.Reader.ReadAsync(cancellationToken);
            bool sent;
            do
            {
                sent = false;
                var current = terminals.List();
                foreach (var gone in cursors.Keys.Except(current).ToList())
                    cursors.Remove(gone);
                foreach (var terminal in current)
                {
                    if (!cursors.TryGetValue(terminal, out var cursor))
                        cursors[terminal] = cursor = new Cursor(terminal.Scrollback.Start);
                    // Read before the ring: a terminal's code is set after its last byte is in it.
                    var exitCode = terminal.ExitCode;
                    var count = terminal.Scrollback.Read(ref cursor.Position, frame.AsSpan(1), out var skipped);
                    if (skipped > 0) LogOutputDropped(terminals.WorkspaceId, terminal.Id, skipped);
                    if (count > 0)
                    {
                        frame[0] = terminal.IdByte;
                        await SendAsync(frame.AsMemory(0, 1 + count), WebSocketMessageType.Binary, cancellationToken);
                        sent = true;
                    }
                    else if (exitCode is { } code && !cursor.ExitSent)
                    {
                        cursor.ExitSent = true;
                        var notice = new TerminalExitMessage { Id = terminal.Id, Code = code };
                        await SendAsync(JsonSerializer.SerializeToUtf8Bytes(notice, HearthJsonContext.Default.TerminalExitMessage),
                            WebSocketMessageType.Text, cancellationToken);
                    }
                }
            }
            while (sent);
        }
    }

    private async Task ForwardEventsAsync(ChannelReader<string> messages, CancellationToken cancellationToken)
    {
        await foreach (var message in messages.ReadAllAsync(cancellationToken))
            await SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, cancellationToken);
    }

    private async Task SendAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(message, type, endOfMessage: true, cancellationToken);
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>
    /// Reads the client's messages until it closes: binary ones are typed into the terminal their
    /// first byte names (an unknown id is ignored), forwarded fragment by fragment as they come;
    /// text ones are commands (<see cref="HandleText"/>).
    /// </summary>
    private async Task ReceiveAsync()
    {
        var buffer = new byte[OutputChunk];
        using var text = new MemoryStream();
        var startOfMessage = true;
        Terminal? target = null;
        var textTooLong = false;
        while (true)
        {
            // No token: cancelling a receive aborts the socket, and the close handshake needs it.
            var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close) return;
            var data = buffer.AsMemory(0, result.Count);
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                if (startOfMessage && !data.IsEmpty)
                {
                    target = terminals.Find(data.Span[0].ToString(System.Globalization.CultureInfo.InvariantCulture));
                    data = data[1..];
                    startOfMessage = false;
                }

                if (target is not null && !data.IsEmpty) await target.WriteInputAsync(data.ToArray());
            }
            else
            {
                textTooLong |= text.Length + data.Length > MaxTextMessage;
                if (!textTooLong) text.Write(data.Span);
                startOfMessage = false;
            }

            if (!result.EndOfMessage) continue;
            if (result.MessageType == WebSocketMessageType.Text && !textTooLong) await HandleText(text.ToArray());
            text.SetLength(0);
            textTooLong = false;
            startOfMessage = true;
            target = null;
        }
    }

    /// <summary>
    /// <c>{"channel":"terminal","type":"resize","id":"1","cols":..,"rows":..}</c> (the id may be a
    /// number too, as the SDK passes what it is given). Anything else is ignored: the protocol
    /// has no way to answer a message.
    /// </summary>
    private async Task HandleText(byte[] message)
    {
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || Text(root, "channel") is not (null or "terminal")
                || Text(root, "type") != "resize"
                || Text(root, "id") is not { } id
                || terminals.Find(id) is not { } terminal
                || Number(root, "cols") is not { } cols
                || Number(root, "rows") is not { } rows)
            {
                LogIgnored(terminals.WorkspaceId);
                return;
            }

            var size = new AgentPtySize { Cols = cols, Rows = rows };
            if (size.IsValid) await terminal.ResizeAsync(size);
            else LogIgnored(terminals.WorkspaceId);
        }
        catch (JsonException)
        {
            LogIgnored(terminals.WorkspaceId);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Number ? value.GetRawText()
        : null;

    private static int? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    /// <summary>
    /// Ends the connection: a replaced socket sends <see cref="ReplacedStatus"/> and waits for the
    /// client's close; a client that closed gets its close answered; a broken one is cut.
    /// </summary>
    // serverInitiated: the server ends the socket (replaced, workspace stopped) rather than answering the client's close.
    private async Task CloseAsync(bool serverInitiated, WebSocketCloseStatus status, string description, Task receive)
    {
        try
        {
            if (serverInitiated || socket.State == WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await sendLock.WaitAsync(timeout.Token);
                // The sender has stopped: the lock is never given back.
                await socket.CloseOutputAsync(status, description, timeout.Token);
                await receive.WaitAsync(timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // The client is gone or does not answer: cut it below.
        }
        finally
        {
            if (socket.State != WebSocketState.Closed) socket.Abort();
            await receive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>A socket's place in one terminal's output.</summary>
    private sealed class Cursor(long position)
    {
        public long Position = position;
        public bool ExitSent;
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Debug, Message = "workspace {WorkspaceId}: /ws fell behind terminal {TerminalId}, {Bytes} bytes of output dropped for it")]
    private partial void LogOutputDropped(string workspaceId, string terminalId, long bytes);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Debug, Message = "workspace {WorkspaceId}: /ws ignored a text message that is not a valid terminal resize")]
    private partial void LogIgnored(string workspaceId);
}
