using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>
/// A client of a workspace's <c>/ws</c> socket, as the SDK uses it: a reader task collects each
/// terminal's output (binary frames <c>[id][bytes]</c>) and the text messages; the test waits on
/// what it expects, every wait bounded.
/// </summary>
public sealed class RuntimeSocketClient : IAsyncDisposable
{
    private readonly ClientWebSocket socket;
    private readonly ConcurrentDictionary<string, MemoryStream> output = new();
    private readonly ConcurrentQueue<JsonElement> texts = new();
    private readonly Task reader;

    private readonly TaskCompletionSource reading = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RuntimeSocketClient(ClientWebSocket socket, bool read)
    {
        this.socket = socket;
        if (read) reading.SetResult();
        reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Bytes of terminal output received so far, all terminals together.</summary>
    public long OutputBytes => Interlocked.Read(ref outputBytes);

    private long outputBytes;

    /// <summary>Starts reading a socket connected with <c>read: false</c> (a client too slow to read, until now).</summary>
    public void StartReading() => reading.TrySetResult();

    /// <summary>Completes when the server closed the socket (or it broke); <see cref="CloseStatus"/> says how.</summary>
    public Task Closed => reader;

    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    public string? CloseDescription => socket.CloseStatusDescription;

    public IReadOnlyList<JsonElement> Texts => [.. texts];

    /// <summary>Connects with the token in the URL (<c>?token=</c>, as the SDK does) or in the Authorization header.</summary>
    public static async Task<RuntimeSocketClient> ConnectAsync(string runtimeUrl, string token, bool tokenInHeader = false, bool read = true)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var url = runtimeUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws";
        if (tokenInHeader) socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        else url += "?token=" + Uri.EscapeDataString(token);
        try
        {
            await socket.ConnectAsync(new Uri(url), CancellationToken.None).Within();
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new RuntimeSocketClient(socket, read);
    }

    /// <summary>What a refused upgrade answered: its HTTP status.</summary>
    public static async Task<System.Net.HttpStatusCode> RefusedStatusAsync(string runtimeUrl, string token)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var url = runtimeUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws?token=" + Uri.EscapeDataString(token);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(url), CancellationToken.None).Within());
        return socket.HttpStatusCode;
    }

    /// <summary>Everything terminal <paramref name="id"/> sent so far, as text.</summary>
    public string OutputOf(string id) =>
        output.TryGetValue(id, out var bytes) ? Encoding.UTF8.GetString(Snapshot(bytes)) : "";

    /// <summary>Types <paramref name="text"/> into terminal <paramref name="id"/>.</summary>
    public Task TypeAsync(string id, string text) => SendInputAsync(byte.Parse(id, System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(text));

    public async Task SendInputAsync(byte id, byte[] bytes)
    {
        var frame = new byte[1 + bytes.Length];
        frame[0] = id;
        bytes.CopyTo(frame, 1);
        await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).Within();
    }

    public Task SendTextAsync(string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).Within();

    /// <summary>Waits until terminal <paramref name="id"/>'s output contains <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string id, string text) =>
        WaitUntilAsync(() => OutputOf(id).Contains(text, StringComparison.Ordinal), $"terminal {id} to print '{text}' (got '{OutputOf(id)}')");

    /// <summary>Waits for a text message that <paramref name="match"/> accepts, and returns it.</summary>
    public async Task<JsonElement> WaitForTextAsync(Func<JsonElement, bool> match, string what)
    {
        JsonElement found = default;
        await WaitUntilAsync(() =>
        {
            foreach (var text in texts)
                if (match(text))
                {
                    found = text;
                    return true;
                }

            return false;
        }, what);
        return found;
    }

    /// <summary>Waits for the exit notice of terminal <paramref name="id"/>.</summary>
    public Task<JsonElement> WaitForExitAsync(string id) =>
        WaitForTextAsync(t => t.GetProperty("channel").GetString() == "terminal" && t.GetProperty("type").GetString() == "exit"
            && t.GetProperty("id").GetString() == id, $"the exit notice of terminal {id}");

    /// <summary>Closes the socket as a client does (close handshake).</summary>
    public async Task CloseAsync()
    {
        if (socket.State == WebSocketState.Open)
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test done", CancellationToken.None).Within();
        await reader.Within();
    }

    public async ValueTask DisposeAsync()
    {
        reading.TrySetResult();
        socket.Abort();
        await reader.WaitAsync(Bounded.Request).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        socket.Dispose();
    }

    /// <summary>Waits, bounded, until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bounded.Request;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(25);
        }
    }

    private static byte[] Snapshot(MemoryStream stream)
    {
        lock (stream) return stream.ToArray();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            await reading.Task;
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Completes the server's closing handshake, as a browser does.
                    if (socket.State == WebSocketState.CloseReceived)
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var bytes = message.ToArray();
                message.SetLength(0);
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    texts.Enqueue(JsonDocument.Parse(bytes).RootElement.Clone());
                }
                else if (bytes.Length > 0)
                {
                    var stream = output.GetOrAdd(bytes[0].ToString(System.Globalization.CultureInfo.InvariantCulture), _ => new MemoryStream());
                    lock (stream) stream.Write(bytes, 1, bytes.Length - 1);
                    Interlocked.Add(ref outputBytes, bytes.Length - 1);
                }
            }
        }
        catch (WebSocketException)
        {
            // Cut by the server or by DisposeAsync.
        }
    }
}
