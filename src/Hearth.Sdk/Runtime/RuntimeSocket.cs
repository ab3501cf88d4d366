using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Hearth.Protocol.Json;
using Hearth.Protocol.Runtime;

namespace Hearth.Sdk.Runtime;

/// <summary>
/// The runtime's multiplexed WebSocket (<c>/ws</c>): terminal input and output as binary frames
/// <c>[terminal id byte][bytes]</c> in both directions, and JSON text frames told apart by
/// <c>channel</c> (terminal resize out; terminal exit and watcher events in). A runtime keeps one
/// socket per workspace: connecting another makes it drop this one. Sends may come from any thread;
/// <see cref="ReadAllAsync"/> has one reader at a time.
/// </summary>
/// <example>
/// <code>
/// var term = await rt.Terminals.CreateAsync();
/// await using var socket = await rt.ConnectSocketAsync();
/// await socket.ResizeAsync(term.Id, 120, 40);
/// await socket.SendInputAsync(term.Id, "echo hi; exit\n"u8.ToArray());
/// await foreach (var message in socket.ReadAllAsync())
/// {
///     if (message is TerminalOutput o) Console.Write(Encoding.UTF8.GetString(o.Data.Span));
///     if (message is TerminalExit) break;
/// }
/// </code>
/// </example>
public sealed class RuntimeSocket : IAsyncDisposable
{
    /// <summary>A frame larger than this is not a terminal chunk or an event: the connection is dropped.</summary>
    internal const int MaxMessageBytes = 16 * 1024 * 1024;

    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _send = new(1, 1);
    private int _disposed;

    internal RuntimeSocket(WebSocket socket) => _socket = socket;

    /// <summary>The WebSocket's state; <see cref="WebSocketState.Open"/> while messages can flow.</summary>
    public WebSocketState State => _socket.State;

    /// <summary>Writes bytes to a terminal session's input (one binary frame).</summary>
    /// <param name="terminalId">The session id (<c>"1"</c>): a number from 0 to 255.</param>
    /// <param name="data">The bytes, as keys would produce them (<c>"\u0003"</c> is Ctrl-C).</param>
    /// <param name="cancellationToken">Cancels the send (the socket is unusable after a cancelled send).</param>
    /// <exception cref="ArgumentException">The id is not a number from 0 to 255.</exception>
    /// <exception cref="HearthApiException">The connection is gone (<see cref="HearthApiException.NetworkErrorCode"/>).</exception>
    /// <example>
    /// <code>
    /// await socket.SendInputAsync(term.Id, "ls -la\n"u8.ToArray());
    /// </code>
    /// </example>
    public async Task SendInputAsync(string terminalId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var id = IdByte(terminalId);
        if (data.IsEmpty)
        {
            return;
        }

        var frame = ArrayPool<byte>.Shared.Rent(data.Length + 1);
        try
        {
            frame[0] = id;
            data.CopyTo(frame.AsMemory(1));
            await SendAsync(frame.AsMemory(0, data.Length + 1), WebSocketMessageType.Binary, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Resizes a terminal session's PTY (<c>{"channel":"terminal","type":"resize",...}</c>).</summary>
    /// <param name="terminalId">The session id.</param>
    /// <param name="cols">Width in columns.</param>
    /// <param name="rows">Height in rows.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <example>
    /// <code>
    /// await socket.ResizeAsync(term.Id, Console.WindowWidth, Console.WindowHeight);
    /// </code>
    /// </example>
    public Task ResizeAsync(string terminalId, int cols, int rows, CancellationToken cancellationToken = default)
    {
        IdByte(terminalId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        var json = JsonSerializer.SerializeToUtf8Bytes(
            new TerminalResizeMessage { Id = terminalId, Cols = cols, Rows = rows }, HearthJsonContext.Default.TerminalResizeMessage);
        return SendAsync(json, WebSocketMessageType.Text, cancellationToken);
    }

    /// <summary>
    /// The messages the runtime sends, in order, until it closes the socket. On connect a runtime replays
    /// each live session's scrollback and the exits of sessions that ended.
    /// </summary>
    /// <param name="cancellationToken">Stops the enumeration (the socket is unusable after a cancelled receive).</param>
    /// <returns>Terminal output, terminal exits, watcher events, and text frames of unknown kinds.</returns>
    /// <exception cref="HearthApiException">The connection broke (<see cref="HearthApiException.NetworkErrorCode"/>).</exception>
    /// <example>
    /// <code>
    /// await foreach (var message in socket.ReadAllAsync(cancellationToken)) Handle(message);
    /// </code>
    /// </example>
    public async IAsyncEnumerable<RuntimeSocketMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            buffer.ResetWrittenCount();
            WebSocketMessageType type;
            try
            {
                ValueWebSocketReceiveResult result;
                do
                {
                    if (buffer.WrittenCount >= MaxMessageBytes)
                    {
                        throw new HearthApiException($"The runtime sent a socket message over {MaxMessageBytes} bytes.", statusCode: null, HearthApiException.InvalidResponseCode);
                    }

                    result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), cancellationToken).ConfigureAwait(false);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                type = result.MessageType;
            }
            catch (WebSocketException ex) when (ex.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
            {
                // The peer went away without a close frame; the stream of messages simply ends.
                yield break;
            }
            catch (WebSocketException ex)
            {
                throw new HearthApiException($"The runtime socket broke: {ex.Message}", statusCode: null, HearthApiException.NetworkErrorCode, innerException: ex);
            }

            if (type == WebSocketMessageType.Close)
            {
                await CloseOutputQuietlyAsync().ConfigureAwait(false);
                yield break;
            }

            var message = type == WebSocketMessageType.Binary ? ParseBinary(buffer.WrittenSpan) : ParseText(buffer.WrittenSpan);
            if (message is not null)
            {
                yield return message;
            }
        }
    }

    /// <summary>Closes the socket with a normal-closure handshake.</summary>
    /// <param name="cancellationToken">Cancels the wait for the runtime's answer.</param>
    /// <example>
    /// <code>
    /// await socket.CloseAsync();
    /// </code>
    /// </example>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "client close", cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // Already gone: closed is what the caller wanted.
            }
        }
    }

    /// <summary>Sends a close frame (without waiting long for the answer) and releases the socket.</summary>
    /// <returns>A task that completes when the socket is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await CloseOutputQuietlyAsync().ConfigureAwait(false);
        _socket.Dispose();
        _send.Dispose();
    }

    /// <summary>A binary frame: the first byte is the terminal id, the rest its output; shorter frames carry nothing.</summary>
    internal static RuntimeSocketMessage? ParseBinary(ReadOnlySpan<byte> frame) =>
        frame.Length < 2 ? null : new TerminalOutput { TerminalId = frame[0].ToString(CultureInfo.InvariantCulture), Data = frame[1..].ToArray() };

    /// <summary>A text frame: JSON whose <c>channel</c> (default <c>terminal</c>, as the official SDK assumes) picks the kind.</summary>
    internal static RuntimeSocketMessage? ParseText(ReadOnlySpan<byte> frame)
    {
        var text = Encoding.UTF8.GetString(frame);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var channel = root.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : "terminal";
            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (channel == "terminal" && type == "exit" && root.TryGetProperty("id", out var id)
                && id.ValueKind is JsonValueKind.String or JsonValueKind.Number
                && root.TryGetProperty("code", out var code) && code.TryGetInt32(out var exitCode))
            {
                // The official SDK spells the id as a string; accept a number too.
                return new TerminalExit { TerminalId = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText(), ExitCode = exitCode };
            }

            if (channel == "watcher" && root.Deserialize(HearthJsonContext.Default.WatcherEventMessage) is { } watcherEvent)
            {
                return new WatcherEvent { Event = watcherEvent };
            }
        }
        catch (JsonException)
        {
            // Not JSON, or a watcher event without its required members: keep the text, as for an unknown kind.
        }
        catch (InvalidOperationException)
        {
            // A member of the wrong JSON kind (code as a string): same.
        }

        return new UnknownSocketMessage { Json = text };
    }

    private static byte IdByte(string terminalId)
    {
        ArgumentException.ThrowIfNullOrEmpty(terminalId);
        return byte.TryParse(terminalId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ArgumentException($"'{terminalId}' is not a terminal id (a number from 0 to 255).", nameof(terminalId));
    }

    private async Task SendAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        // A WebSocket allows one send at a time; input and resizes come from different loops.
        await _send.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(message, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException ex)
        {
            throw new HearthApiException($"The runtime socket broke: {ex.Message}", statusCode: null, HearthApiException.NetworkErrorCode, innerException: ex);
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task CloseOutputQuietlyAsync()
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client close", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone or slow; the socket is released either way.
        }
    }
}
