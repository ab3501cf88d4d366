using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Tests.Infrastructure;

/// <summary>
/// A test client of the agent protocol built on the shared <see cref="FrameCodec"/>: one reader
/// task routes frames to the <see cref="RemoteProcess"/> of their stream, and control messages
/// on stream 0 to <see cref="NextConnectionMessageAsync"/>. Writes are serialised.
/// </summary>
public sealed class AgentClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<uint, RemoteProcess> _processes = new();
    private readonly Channel<AgentMessage> _connectionMessages = Channel.CreateUnbounded<AgentMessage>();
    private readonly Task _reader;
    private uint _nextStream = 1;

    private AgentClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Completes when the agent ends the connection (or it breaks).</summary>
    public Task Closed => _reader;

    /// <summary>Anything the reader saw that the protocol forbids (output after exit, frames on unknown streams).</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    public static async Task<AgentClient> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path)).Within();
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new AgentClient(socket);
    }

    /// <summary>Sends hello and returns the agent's answer on stream 0.</summary>
    public async Task<AgentMessage> HelloAsync(int? version = FrameCodec.Version)
    {
        await SendControlAsync(0, new AgentMessage { Op = "hello", Version = version });
        return await NextConnectionMessageAsync();
    }

    /// <summary>The next control message the agent sent on stream 0.</summary>
    public Task<AgentMessage> NextConnectionMessageAsync(TimeSpan? timeout = null) =>
        _connectionMessages.Reader.ReadAsync().AsTask().Within(timeout);

    /// <summary>The next unused stream id (odd, increasing).</summary>
    public uint NextStream() => Interlocked.Add(ref _nextStream, 2) - 2;

    /// <summary>Sends <c>spawn</c> on a new stream and waits for <c>spawned</c> or <c>error</c>.</summary>
    public async Task<RemoteProcess> SpawnAsync(
        IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? env = null, string? cwd = null, bool stdin = false,
        AgentPtySize? pty = null)
    {
        var process = Open(NextStream());
        await SendControlAsync(process.Stream, new AgentMessage { Op = "spawn", Argv = argv, Env = env, Cwd = cwd, Stdin = stdin, Pty = pty });
        await process.Started.Within();
        return process;
    }

    /// <summary>Sends operation <paramref name="op"/> on a new stream; its frames collect on the returned stream.</summary>
    public async Task<RemoteProcess> StartOperationAsync(string op, JsonElement? args = null)
    {
        var operation = Open(NextStream(), operation: true);
        await SendControlAsync(operation.Stream, new AgentMessage { Op = op, Args = args });
        return operation;
    }

    /// <summary>Starts listening for frames on <paramref name="stream"/> (for requests sent by hand).</summary>
    public RemoteProcess Open(uint stream, bool operation = false)
    {
        var process = new RemoteProcess(this, stream, operation);
        Assert.True(_processes.TryAdd(stream, process), $"stream {stream} is already open in the test client");
        return process;
    }

    public Task SendControlAsync(uint stream, AgentMessage message) =>
        SendAsync(new Frame(FrameKind.Control, stream, JsonSerializer.SerializeToUtf8Bytes(message, AgentJsonContext.Default.AgentMessage)));

    public async Task SendAsync(Frame frame)
    {
        await _writeLock.WaitAsync().Within();
        try
        {
            await FrameCodec.WriteAsync(_stream, frame).AsTask().Within();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Closes the socket at once, as a crashed hearthd would.</summary>
    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        try
        {
            await _reader.Within();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
        }

        await _stream.DisposeAsync();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await FrameCodec.ReadAsync(_stream) is { } frame)
            {
                if (frame.Stream == 0)
                {
                    if (frame.Kind != FrameKind.Control)
                        Violations.Enqueue($"frame of kind {frame.Kind} on stream 0");
                    else
                        _connectionMessages.Writer.TryWrite(Parse(frame.Payload));
                    continue;
                }

                if (_processes.TryGetValue(frame.Stream, out var process))
                    process.OnFrame(frame);
                else
                    Violations.Enqueue($"frame of kind {frame.Kind} on unknown stream {frame.Stream}");
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // The test closed the connection, or the agent did.
        }
        finally
        {
            _connectionMessages.Writer.TryComplete();
            foreach (var process in _processes.Values)
                process.OnConnectionEnded();
        }
    }

    internal static AgentMessage Parse(ReadOnlyMemory<byte> payload) =>
        JsonSerializer.Deserialize(payload.Span, AgentJsonContext.Default.AgentMessage)!;
}
