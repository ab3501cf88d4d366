using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using Hearth.Protocol.Agent;

namespace Hearth.Runtime.Agent;

/// <summary>
/// One connection to a workspace's agent, multiplexing any number of processes
/// (docs/design/agent-protocol.md). A reader loop routes frames to their streams; writers are
/// serialised. When the connection ends, every open stream ends with an error.
/// </summary>
internal sealed class AgentConnection : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly NetworkStream stream;
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly ConcurrentDictionary<uint, AgentProcess> processes = new();
    private readonly CancellationTokenSource closed = new();
    private uint nextStream = 1;
    private Task? reader;

    private AgentConnection(Socket socket)
    {
        this.socket = socket;
        stream = new NetworkStream(socket, ownsSocket: true);
    }

    public bool IsOpen => !closed.IsCancellationRequested;

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
    public async Task<AgentProcess> SpawnAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? env, string? cwd,
        bool stdin, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Add(ref nextStream, 2) - 2;
        var process = new AgentProcess(this, id);
        processes[id] = process;
        try
        {
            await SendControlAsync(id, new AgentMessage { Op = "spawn", Argv = argv, Env = env, Cwd = cwd, Stdin = stdin }, cancellationToken);
            await process.Started.WaitAsync(cancellationToken);
            return process;
        }
        catch
        {
            processes.TryRemove(id, out _);
            throw;
        }
    }

    internal Task SendControlAsync(uint id, AgentMessage message, CancellationToken cancellationToken = default) =>
        SendAsync(new Frame(FrameKind.Control, id, JsonSerializer.SerializeToUtf8Bytes(message, AgentJsonContext.Default.AgentMessage)), cancellationToken);

    internal async Task SendAsync(Frame frame, CancellationToken cancellationToken = default)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            if (!IsOpen) throw new RuntimeException("agent_unreachable", "the connection to the agent is closed");
            await FrameCodec.WriteAsync(stream, frame, cancellationToken);
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
                if (!processes.TryGetValue(frame.Stream, out var process)) continue;
                switch (frame.Kind)
                {
                    case FrameKind.Stdout or FrameKind.Stderr:
                        process.Deliver(new AgentData(frame.Kind == FrameKind.Stderr, frame.Payload));
                        break;
                    case FrameKind.Control:
                        var message = Parse(frame);
                        if (process.Handle(message)) processes.TryRemove(frame.Stream, out _);
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or OperationCanceledException or SocketException)
        {
            reason = $"the connection to the agent broke: {e.Message}";
        }
        await closed.CancelAsync();
        foreach (var process in processes.Values)
            process.Fail(reason);
        processes.Clear();
    }

    private static AgentMessage Parse(Frame frame) =>
        frame.Kind == FrameKind.Control
            ? JsonSerializer.Deserialize(frame.Payload.Span, AgentJsonContext.Default.AgentMessage)
              ?? throw new InvalidDataException("empty control message")
            : throw new InvalidDataException($"expected a control frame, got {frame.Kind}");

    public async ValueTask DisposeAsync()
    {
        await closed.CancelAsync();
        socket.Shutdown(SocketShutdown.Both);
        await stream.DisposeAsync();
        if (reader is not null) await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        closed.Dispose();
        writeGate.Dispose();
    }
}
