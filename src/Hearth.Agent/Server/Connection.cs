using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Hearth.Agent.Init;
using Hearth.Agent.Interop;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Server;

/// <summary>
/// One connection from hearthd (docs/design/agent-protocol.md): a reader thread that does the
/// <c>hello</c> handshake and then carries out requests, and a <see cref="FrameSender"/> for
/// everything sent back. Requests never block the reader on a process: spawning is a
/// posix_spawn, stdin is queued, a signal is a kill(2).
/// </summary>
internal sealed class Connection
{
    /// <summary>Bytes read from the socket at once; a larger payload is read straight into its frame.</summary>
    private const int ReadBufferSize = 16 * 1024;

    /// <summary>How long a new connection may take to say hello before it is dropped (and its threads end).</summary>
    private const int HandshakeTimeoutMilliseconds = 10_000;

    internal static readonly string AgentName = "hearth-agent " +
        (typeof(Connection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?");

    private readonly object _gate = new();
    private readonly Socket _socket;
    private readonly Supervisor _supervisor;
    private readonly PipePump _pump;
    private readonly FrameSender _sender;

    /// <summary>Running streams (a process whose <c>exit</c>, or an operation whose <c>result</c>, has not been sent), by stream id.</summary>
    private readonly Dictionary<uint, IAgentStream> _streams = [];

    private bool _closed;

    /// <summary>The reader and the writer; the last one to end disposes the socket.</summary>
    private int _threads = 2;

    private Connection(Socket socket, Supervisor supervisor, PipePump pump)
    {
        _socket = socket;
        _supervisor = supervisor;
        _pump = pump;
        _sender = new FrameSender(socket, pump, () => Close(drain: false));
    }

    /// <summary>Serves <paramref name="socket"/> on threads of its own until either side ends it.</summary>
    public static void Start(Socket socket, Supervisor supervisor, PipePump pump)
    {
        var connection = new Connection(socket, supervisor, pump);
        connection._sender.Start(connection.ThreadEnded);
        var reader = new Thread(connection.Run) { IsBackground = true, Name = "hearth-conn-in" };
        reader.UnsafeStart();
    }

    /// <summary>The init's supervisor, for operations that start processes of their own.</summary>
    public Supervisor Supervisor => _supervisor;

    /// <summary>Whether output for this connection should wait (see <see cref="FrameSender"/>).</summary>
    public bool IsCongested => _sender.IsCongested;

    /// <summary>Queues an output frame.</summary>
    public void Send(FrameKind kind, uint stream, ReadOnlyMemory<byte> payload) => _sender.Send(kind, stream, payload);

    /// <summary>Queues a control message.</summary>
    public void SendControl(uint stream, AgentMessage message) => _sender.SendControl(stream, message);

    /// <summary>Queues an <c>error</c> control message.</summary>
    public void SendError(uint stream, string code, string message) =>
        _sender.SendControl(stream, new AgentMessage { Op = "error", Error = code, Message = message });

    /// <summary>
    /// Blocks an operation's thread while output is congested, like the pump holds back pipes;
    /// false once the connection is closed.
    /// </summary>
    public bool WaitWhileCongested(CancellationToken cancellationToken) => _sender.WaitWhileCongested(cancellationToken);

    /// <summary>The stream has sent its last frame: its id is free, later frames for it are ignored.</summary>
    public void OnStreamEnded(IAgentStream ended)
    {
        lock (_gate)
        {
            if (_streams.TryGetValue(ended.Stream, out var current) && current == ended)
                _streams.Remove(ended.Stream);
        }
    }

    private void Run()
    {
        try
        {
            using var network = new NetworkStream(_socket, ownsSocket: false);
            using var input = new BufferedStream(network, ReadBufferSize);
            if (!Handshake(input)) return;
            while (FrameCodec.Read(input) is { } frame)
                Dispatch(frame);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException or SocketException)
        {
            // The peer went away, or broke the framing (an unknown kind, an oversized frame):
            // either way the connection ends, and every process runs on.
        }
        catch (Exception e)
        {
            // A bug must cost this connection, not PID 1 and the workspace with it.
            StandardError.WriteLine($"connection: {e}");
        }
        finally
        {
            Close(drain: false);
            ThreadEnded();
        }
    }

    /// <summary>
    /// The first frame must be <c>hello</c> on stream 0 offering version 1; the agent answers
    /// with its own, or with an <c>error</c> and closes.
    /// </summary>
    private bool Handshake(Stream input)
    {
        // SO_RCVTIMEO: a blocking read fails (IOException) instead of holding two threads forever.
        _socket.ReceiveTimeout = HandshakeTimeoutMilliseconds;
        if (FrameCodec.Read(input) is not { } frame) return false;
        _socket.ReceiveTimeout = 0;
        var hello = frame is { Kind: FrameKind.Control, Stream: 0 } ? Parse(frame.Payload, out _) : null;
        if (hello?.Op != "hello")
        {
            SendError(0, "bad_request", "the first frame must be a hello control message on stream 0");
            Close(drain: true);
            return false;
        }

        if (hello.Version != FrameCodec.Version)
        {
            SendError(0, "unsupported_version", $"the agent speaks version {FrameCodec.Version}, not {hello.Version?.ToString() ?? "none"}");
            Close(drain: true);
            return false;
        }

        SendControl(0, new AgentMessage { Op = "hello", Version = FrameCodec.Version, Agent = AgentName, Pid = Libc.GetPid() });
        return true;
    }

    private void Dispatch(Frame frame)
    {
        switch (frame.Kind)
        {
            case FrameKind.Control:
                OnControl(frame.Stream, frame.Payload);
                break;
            case FrameKind.Stdin:
                Find(frame.Stream)?.WriteStdin(frame.Payload);
                break;
            case FrameKind.StdinClose:
                Find(frame.Stream)?.CloseStdin();
                break;
            default:
                SendError(0, "bad_request", $"stream {frame.Stream}: frames of kind {(byte)frame.Kind} go from the agent to hearthd only");
                break;
        }
    }

    /// <remarks>
    /// An error about a request that would open a stream goes on that stream and ends it. An
    /// error about a request on a running stream (or on stream 0) goes on stream 0 instead and
    /// names the stream: an <c>error</c> on the running stream would end it for hearthd while its
    /// process goes on. <c>signal</c> for a stream that is not running is ignored: it may have
    /// crossed the stream's <c>exit</c>.
    /// </remarks>
    private void OnControl(uint stream, ReadOnlyMemory<byte> payload)
    {
        var running = Find(stream);
        var message = Parse(payload, out var parseError);
        if (message is null)
        {
            Reject(stream, running, $"malformed control message: {parseError}");
            return;
        }

        if (stream == 0)
        {
            Reject(stream, running, $"op '{message.Op}' is not valid on stream 0 after hello");
            return;
        }

        switch (message.Op)
        {
            case "spawn" when running is not null:
                Reject(stream, running, "spawn on a stream that is already running");
                break;
            case "spawn":
                Spawn(stream, message);
                break;
            case "signal" when message.Signal is not (> 0 and <= Libc.SignalMax):
                Reject(stream, running, $"signal must be a number from 1 to {Libc.SignalMax}");
                break;
            case "signal":
                running?.Signal(message.Signal.Value);
                break;
            case var op when running is not null:
                if (!running.Control(message))
                    Reject(stream, running, $"op '{op}' is not valid on a running stream");
                break;
            case var op when OperationTable.Find(op) is { } handler:
                StartOperation(stream, message, handler);
                break;
            default:
                Reject(stream, running, $"unknown op '{message.Op}'");
                break;
        }
    }

    private void Reject(uint stream, IAgentStream? running, string message)
    {
        if (running is null && stream != 0)
            SendError(stream, "bad_request", message);
        else
            SendError(0, "bad_request", $"stream {stream}: {message}");
    }

    private void Spawn(uint stream, AgentMessage request)
    {
        var problems = SpawnRequest.Validate(request);
        if (problems.Count > 0)
        {
            SendError(stream, "bad_request", string.Join("; ", problems));
            return;
        }

        var process = ExecProcess.Start(this, stream, request, _supervisor, _pump, out var failure);
        if (process is null)
        {
            SendError(stream, "spawn_failed", failure);
            return;
        }

        bool closed;
        lock (_gate)
        {
            closed = _closed;
            if (!closed) _streams.Add(stream, process);
        }

        // Before the pump has the pipes, so that spawned precedes every output frame.
        SendControl(stream, new AgentMessage { Op = "spawned", Pid = process.Pid });
        _pump.Add(process);
        if (closed) process.OnConnectionLost();
    }

    private void StartOperation(uint stream, AgentMessage request, OperationHandler handler)
    {
        var operation = new Operation(this, stream, request, handler);
        bool closed;
        lock (_gate)
        {
            closed = _closed;
            if (!closed) _streams.Add(stream, operation);
        }

        if (!closed) operation.Start();
    }

    private IAgentStream? Find(uint stream)
    {
        lock (_gate) return _streams.GetValueOrDefault(stream);
    }

    private static AgentMessage? Parse(ReadOnlyMemory<byte> payload, out string error)
    {
        error = "";
        try
        {
            var message = JsonSerializer.Deserialize(payload.Span, AgentJsonContext.Default.AgentMessage);
            if (message?.Op is null) error = "no op";
            return message?.Op is null ? null : message;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>
    /// Ends the connection; every running stream's process carries on detached. With
    /// <paramref name="drain"/> the frames already queued are sent first (a refused handshake).
    /// </summary>
    private void Close(bool drain)
    {
        List<IAgentStream> detached;
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            detached = [.. _streams.Values];
            _streams.Clear();
        }

        if (drain)
        {
            // The writer shuts the socket down once the queue is out.
            _sender.CloseAfterDrain();
        }
        else
        {
            _sender.Close();
            // Wakes whichever of the two threads is still blocked in the socket.
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already disconnected.
            }
        }

        foreach (var running in detached)
            running.OnConnectionLost();
    }

    private void ThreadEnded()
    {
        if (Interlocked.Decrement(ref _threads) == 0)
            _socket.Dispose();
    }
}
