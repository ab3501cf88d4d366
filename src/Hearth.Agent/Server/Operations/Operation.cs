using System.Text.Json;
using Hearth.Protocol.Agent;


namespace Hearth.Agent.Server.Operations;

/// <summary>
/// A request other than <c>spawn</c> (file operations, watches, ...), carried out by its
/// <see cref="OperationHandler"/> on a thread of its own so that a slow disk never stalls the
/// connection's reader. It answers with data frames and <c>event</c>s, then exactly one
/// <c>result</c> or <c>error</c>, the stream's last frame.
/// </summary>
/// <remarks>
/// Input (stdin frames) goes into a bounded queue, and the reader blocks when it is full:
/// that is the flow control towards the agent, at the price of stalling the other streams of
/// the same connection while the operation catches up. hearthd therefore sends bulk input
/// (uploads) on a connection of its own. Output blocks the operation's thread while the
/// connection is congested, as the pump holds back process pipes.
/// </remarks>
internal sealed class Operation : IAgentStream
{
    /// <summary>Operations mostly walk directories and copy buffers; a small stack keeps PID 1 small.</summary>
    private const int StackSize = 256 * 1024;

    private readonly Connection _connection;
    private readonly OperationHandler _handler;
    private readonly CancellationTokenSource _cancel = new();
    private readonly OperationContext _context;

    public Operation(Connection connection, uint stream, AgentMessage request, OperationHandler handler)
    {
        _connection = connection;
        _handler = handler;
        Stream = stream;
        _context = new OperationContext(connection, stream, request, _cancel.Token);
    }

    public uint Stream { get; }

    public void Start()
    {
        var thread = new Thread(Run, StackSize) { IsBackground = true, Name = "hearth-op" };
        thread.UnsafeStart();
    }

    /// <remarks>
    /// The reader may route a frame here just as <see cref="Run"/> ends and disposes
    /// <see cref="_cancel"/>: the token is the context's copy, taken before, never the source's.
    /// </remarks>
    public void WriteStdin(ReadOnlyMemory<byte> data) => _context.Input.Add(data, _context.Cancellation);

    public void CloseStdin() => _context.Input.Complete();

    /// <summary>Any signal cancels the operation.</summary>
    public void Signal(int signal) => Cancel();

    public bool Control(AgentMessage message)
    {
        if (message.Op == "cancel")
        {
            Cancel();
            return true;
        }

        return _context.OnControl?.Invoke(message) ?? false;
    }

    public void OnConnectionLost() => Cancel();

    private void Cancel()
    {
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The operation has already ended.
        }
    }

    private void Run()
    {
        // Bulk operations (archives, listings, large reads) grow the heap on this thread, where
        // the pump's own trimming never looks: each one gives back what it made PID 1 allocate.
        var mark = AgentMemory.Mark();
        try
        {
            var result = _handler(_context);
            _connection.SendControl(Stream, new AgentMessage { Op = "result", Result = result ?? EmptyObject() });
        }
        catch (Exception e)
        {
            var (code, message) = OperationErrors.Describe(e, _cancel.IsCancellationRequested);
            if (code == "internal") StandardError.WriteLine($"operation {_context.Op}: {e}");
            _connection.SendError(Stream, code, message);
        }
        finally
        {
            AgentMemory.TrimSince(mark);
            _connection.OnStreamEnded(this);
            _context.Input.Complete();
            _cancel.Dispose();
        }
    }

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }
}
