using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using Hearth.Protocol.Agent;

namespace Hearth.Runtime.Agent;

/// <summary>
/// One connection to a workspace's agent, multiplexing any number of processes and operations
/// (docs/design/agent-protocol.md). A reader loop routes frames to their streams; writers are
/// serialised. When the connection ends, every open stream ends with an error.
/// </summary>
internal sealed class AgentConnection : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly NetworkStream stream;
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly ConcurrentDictionary<uint, IAgentStreamSink> streams = new();
    private readonly CancellationTokenSource closed = new();
    private uint nextStream = 1;
    private int disposed;
    private Task? reader;

    private AgentConnection(Socket socket)
    {
        this.socket = socket;
        stream = new NetworkStream(socket, ownsSocket: true);
    }

    public bool IsOpen => !closed.IsCancellationRequested;

    /// <summary>Streams (processes, calls) that have not ended yet.</summary>
    public int StreamCount => streams.Count;

    /// <summary>Dials the agent of the workspace whose init has host pid <paramref name="initPid"/> and says hello.</summary>
    public static async Task<AgentConnection> ConnectAsync(int initPid, CancellationToken cancellationToken = default)
    {
        var connection = new AgentConnection(await AgentDialer.ConnectAsync(initPid, cancellationToken));
        try
        {
            await connection.SendControlAsync(0, new AgentMessage { Op = "hello", Version = FrameCodec.Version }, cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var reply = await FrameCodec.ReadAsync(connection.stream, timeout.Token)
                ?? throw new RuntimeException("agent_unreachable", "the agent closed the connection during hello");
            var hello = Parse(reply);
            if (hello.Op != "hello" || hello.Version != FrameCodec.Version)
                throw new RuntimeException("agent_unreachable", $"the agent answered hello with {hello.Op} v{hello.Version}: {hello.Message}");
            connection.reader = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a process in the workspace; its output arrives on <see cref="AgentProcess.Output"/>.</summary>
    public Task<AgentProcess> SpawnAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? env, string? cwd,
        bool stdin, CancellationToken cancellationToken = default) =>
        SpawnAsync(new AgentMessage { Op = "spawn", Argv = argv, Env = env, Cwd = cwd, Stdin = stdin }, cancellationToken);

    /// <summary>Starts a process on a new pseudo-terminal of <paramref name="size"/>; its output (one stream) arrives as stdout.</summary>
    public Task<AgentProcess> SpawnTerminalAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? env, string? cwd,
        AgentPtySize size, CancellationToken cancellationToken = default) =>
        SpawnAsync(new AgentMessage { Op = "spawn", Argv = argv, Env = env, Cwd = cwd, Pty = size }, cancellationToken);

    private async Task<AgentProcess> SpawnAsync(AgentMessage spawn, CancellationToken cancellationToken)
    {
        var id = NextStream();
        var process = new AgentProcess(this, id);
        streams[id] = process;
        try
        {
            await SendControlAsync(id, spawn, cancellationToken);
            await process.Started.WaitAsync(cancellationToken);
            return process;
        }
        catch
        {
            streams.TryRemove(id, out _);
            throw;
        }
    }

    /// <summary>Starts operation <paramref name="op"/> with <paramref name="args"/> (an object, or null for none).</summary>
    public async Task<AgentCall> StartAsync(string op, JsonElement? args, CancellationToken cancellationToken = default)
    {
        var id = NextStream();
        var call = new AgentCall(this, id);
        streams[id] = call;
        try
        {
            await SendControlAsync(id, new AgentMessage { Op = op, Args = args }, cancellationToken);
            return call;
        }
        catch
        {
            streams.TryRemove(id, out _);
            throw;
        }
    }

    /// <summary>Runs operation <paramref name="op"/> to its end and returns its result (data frames are discarded).</summary>
    public async Task<JsonElement> CallAsync(string op, JsonElement? args, CancellationToken cancellationToken = default)
    {
        var call = await StartAsync(op, args, cancellationToken);
        return await call.ResultAsync(cancellationToken);
    }

    /// <summary>hearthd opens odd stream ids, increasing.</summary>
    private uint NextStream() => Interlocked.Add(ref nextStream, 2) - 2;

    internal Task SendControlAsync(uint id, AgentMessage message, CancellationToken cancellationToken = default) =>
        SendAsync(new Frame(FrameKind.Control, id, JsonSerializer.SerializeToUtf8Bytes(message, AgentJsonContext.Default.AgentMessage)), cancellationToken);

    internal async Task SendAsync(Frame frame, CancellationToken cancellationToken = default)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            if (!IsOpen) throw new RuntimeException("agent_unreachable", "the connection to the agent is closed");
            // Never cancelled half-way: a frame cut between its header and payload would put
            // every other stream of the connection out of step. The caller's token only decides
            // whether to wait for the turn to write.
            await FrameCodec.WriteAsync(stream, frame, CancellationToken.None);
        }
        catch (IOException e)
        {
            await closed.CancelAsync();
            throw new RuntimeException("agent_unreachable", $"writing to the agent failed: {e.Message}", e);
        }
        finally
        {
            writeGate.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        string reason = "the agent closed the connection";
        try
        {
            while (await FrameCodec.ReadAsync(stream, closed.Token) is { } frame)
            {
                if (!streams.TryGetValue(frame.Stream, out var sink)) continue;
                var control = frame.Kind == FrameKind.Control ? Parse(frame) : null;
                if (await sink.OnFrameAsync(frame, control)) streams.TryRemove(frame.Stream, out _);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or OperationCanceledException or SocketException)
        {
            reason = $"the connection to the agent broke: {e.Message}";
        }
        catch (Exception e)
        {
            // A bug in a stream's handler must still end the connection, not leave it looking open.
            reason = $"the connection to the agent failed: {e.GetType().Name}: {e.Message}";
        }
        finally
        {
            await closed.CancelAsync();
            foreach (var sink in streams.Values)
                sink.Fail(reason);
            streams.Clear();
        }
    }

    private static AgentMessage Parse(Frame frame) =>
        frame.Kind == FrameKind.Control
            ? JsonSerializer.Deserialize(frame.Payload.Span, AgentJsonContext.Default.AgentMessage)
              ?? throw new InvalidDataException("empty control message")
            : throw new InvalidDataException($"expected a control frame, got {frame.Kind}");

    public async ValueTask DisposeAsync()
    {
        // Idempotent: owners (a watcher, a streamed task) and failure paths may both dispose.
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await closed.CancelAsync();
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already disconnected.
        }
        await stream.DisposeAsync();
        if (reader is not null) await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        closed.Dispose();
        writeGate.Dispose();
    }
}
