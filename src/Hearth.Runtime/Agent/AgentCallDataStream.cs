using System.Threading.Channels;

namespace Hearth.Runtime.Agent;

/// <summary>
/// The data frames of an <see cref="AgentCall"/> as a read-only stream (to copy into an HTTP
/// response). Disposing it before the end abandons the call (<see cref="AgentCall.Abandon"/>).
/// </summary>
internal sealed class AgentCallDataStream(ChannelReader<AgentCallItem> items, AgentCall call) : Stream
{
    private ReadOnlyMemory<byte> current;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (current.IsEmpty)
        {
            if (!await items.WaitToReadAsync(cancellationToken)) return 0;
            if (items.TryRead(out var item)) current = item.Data;
        }

        var count = Math.Min(buffer.Length, current.Length);
        current[..count].CopyTo(buffer);
        current = current[count..];
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing) call.Abandon();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
