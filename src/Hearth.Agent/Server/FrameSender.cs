using System.Net.Sockets;
using System.Text.Json;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Server;

/// <summary>
/// The outgoing side of a connection: a queue that any thread adds frames to without blocking,
/// and one writer thread that drains it into the socket, so frames from the pump, the reaper
/// and the connection's reader never interleave and none of them waits on a slow peer.
/// </summary>
/// <remarks>
/// The queue is bounded by flow control rather than by refusing frames: above
/// <see cref="HighWater"/> queued bytes the connection is congested and the pump stops reading
/// the pipes of its processes (they block on a full pipe, as under a slow terminal) until the
/// writer has brought it under <see cref="LowWater"/>. A closed sender accepts and drops
/// everything and is never congested, so processes of a lost connection run on freely.
/// </remarks>
internal sealed class FrameSender
{
    private const int HighWater = 1024 * 1024;
    private const int LowWater = 256 * 1024;

    /// <summary>Bytes the writer buffers before a write(2); frames up to this size are coalesced.</summary>
    private const int BufferSize = 16 * 1024;

    private readonly object _gate = new();
    private readonly Queue<Frame> _queue = new();
    private readonly Socket _socket;
    private readonly PipePump _pump;
    private readonly Action _onWriteFailed;
    private long _queuedBytes;
    private bool _congested;
    private State _state;

    public FrameSender(Socket socket, PipePump pump, Action onWriteFailed)
    {
        _socket = socket;
        _pump = pump;
        _onWriteFailed = onWriteFailed;
    }

    private enum State
    {
        Open,

        /// <summary>Accepts nothing more; the writer sends what is queued, then ends.</summary>
        Draining,

        /// <summary>Accepts nothing more and drops what is queued.</summary>
        Closed,
    }

    /// <summary>Whether the pump should stop reading output for this connection (see remarks on the type).</summary>
    public bool IsCongested => Volatile.Read(ref _congested);

    /// <summary>Starts the writer thread; <paramref name="onExit"/> runs on it when it ends.</summary>
    public void Start(Action onExit)
    {
        var thread = new Thread(() =>
        {
            try
            {
                Run();
            }
            finally
            {
                onExit();
            }
        })
        { IsBackground = true, Name = "hearth-conn-out" };
        thread.UnsafeStart();
    }

    /// <summary>Queues a frame; dropped if the sender is no longer open.</summary>
    public void Send(FrameKind kind, uint stream, ReadOnlyMemory<byte> payload)
    {
        lock (_gate)
        {
            if (_state != State.Open) return;
            _queue.Enqueue(new Frame(kind, stream, payload));
            _queuedBytes += FrameCodec.HeaderSize + payload.Length;
            if (_queuedBytes > HighWater) Volatile.Write(ref _congested, true);
            // The writer waits only on an empty queue (PulseAll: operation threads wait on the same gate).
            if (_queue.Count == 1) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Queues a control message.</summary>
    public void SendControl(uint stream, AgentMessage message) =>
        Send(FrameKind.Control, stream, JsonSerializer.SerializeToUtf8Bytes(message, AgentJsonContext.Default.AgentMessage));

    /// <summary>
    /// Blocks while the connection is congested (for operation threads, which produce output
    /// themselves rather than through the pump); false once the sender is closed or
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public bool WaitWhileCongested(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            while (_congested && _state == State.Open && !cancellationToken.IsCancellationRequested)
                Monitor.Wait(_gate, 100);
            return _state == State.Open && !cancellationToken.IsCancellationRequested;
        }
    }

    /// <summary>Sends what is queued, then lets the writer end (which shuts the socket down).</summary>
    public void CloseAfterDrain()
    {
        lock (_gate)
        {
            if (_state != State.Open) return;
            _state = State.Draining;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Drops what is queued and stops accepting frames; wakes the pump if it held output back.</summary>
    public void Close()
    {
        bool wasCongested;
        lock (_gate)
        {
            _state = State.Closed;
            _queue.Clear();
            _queuedBytes = 0;
            wasCongested = _congested;
            Volatile.Write(ref _congested, false);
            Monitor.PulseAll(_gate);
        }

        if (wasCongested) _pump.Wake();
    }

    private void Run()
    {
        var batch = new List<Frame>();
        try
        {
            using var network = new NetworkStream(_socket, ownsSocket: false);
            using var output = new BufferedStream(network, BufferSize);
            while (true)
            {
                lock (_gate)
                {
                    while (_queue.Count == 0 && _state == State.Open)
                        Monitor.Wait(_gate);
                    if (_state == State.Closed || _queue.Count == 0) return;
                    while (_queue.TryDequeue(out var frame))
                        batch.Add(frame);
                }

                long written = 0;
                foreach (var frame in batch)
                {
                    FrameCodec.Write(output, frame);
                    written += FrameCodec.HeaderSize + frame.Payload.Length;
                }

                output.Flush();
                batch.Clear();

                var resume = false;
                lock (_gate)
                {
                    if (_state == State.Closed) return;
                    _queuedBytes -= written;
                    if (_congested && _queuedBytes <= LowWater)
                    {
                        Volatile.Write(ref _congested, false);
                        resume = true;
                        // Operation threads waiting in WaitWhileCongested.
                        Monitor.PulseAll(_gate);
                    }
                }

                if (resume) _pump.Wake();
            }
        }
        catch (Exception e)
        {
            // The peer is gone (EPIPE, ECONNRESET) or the connection was shut down under us; any
            // other exception is a bug, which must cost this connection, not PID 1.
            if (e is not (IOException or ObjectDisposedException or SocketException))
                StandardError.WriteLine($"connection writer: {e}");
            Close();
            _onWriteFailed();
        }
    }
}
