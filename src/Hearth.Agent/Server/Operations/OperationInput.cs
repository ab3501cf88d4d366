namespace Hearth.Agent.Server.Operations;

/// <summary>
/// An operation's input as a read-only stream: the connection's reader adds stdin frames and
/// blocks while more than <see cref="Limit"/> bytes wait (see <see cref="Operation"/>); the
/// operation's thread reads them. End of file after stdin-close; an <see cref="IOException"/>
/// once the operation is cancelled.
/// </summary>
internal sealed class OperationInput(CancellationToken cancellation) : SequentialStream
{
    private const int Limit = 4 * 1024 * 1024;

    private readonly object _gate = new();
    private readonly Queue<ReadOnlyMemory<byte>> _chunks = new();
    private long _queued;
    private int _headOffset;
    private bool _complete;

    /// <summary>Connection reader: queues a chunk, blocking while the queue is full.</summary>
    public void Add(ReadOnlyMemory<byte> chunk, CancellationToken token)
    {
        if (chunk.IsEmpty) return;
        lock (_gate)
        {
            while (_queued >= Limit && !_complete && !token.IsCancellationRequested)
                Monitor.Wait(_gate, 100);
            if (_complete || token.IsCancellationRequested) return;
            _chunks.Enqueue(chunk);
            _queued += chunk.Length;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>No more input: readers get end of file once the queue is empty; a blocked writer gives up.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _complete = true;
            Monitor.PulseAll(_gate);
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        lock (_gate)
        {
            while (_chunks.Count == 0 && !_complete && !cancellation.IsCancellationRequested)
                Monitor.Wait(_gate, 100);
            if (cancellation.IsCancellationRequested) throw new IOException("the operation was cancelled");
            if (!_chunks.TryPeek(out var first)) return 0;
            var head = first[_headOffset..];
            var count = Math.Min(buffer.Length, head.Length);
            head.Span[..count].CopyTo(buffer);
            _queued -= count;
            _headOffset += count;
            if (_headOffset == first.Length)
            {
                _chunks.Dequeue();
                _headOffset = 0;
            }

            Monitor.PulseAll(_gate);
            return count;
        }
    }


    public override bool CanRead => true;
    public override bool CanWrite => false;
}
