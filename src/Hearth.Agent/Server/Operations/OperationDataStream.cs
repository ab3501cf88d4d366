namespace Hearth.Agent.Server.Operations;

/// <summary>
/// A write-only stream over <see cref="OperationContext.SendData"/>, buffering up to one
/// frame so that small writes (tar headers, gzip blocks) do not each become a frame.
/// </summary>
internal sealed class OperationDataStream(OperationContext context) : SequentialStream
{
    private readonly byte[] _buffer = new byte[OperationContext.ChunkSize];
    private int _used;

    public override void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_used == 0 && data.Length >= _buffer.Length)
            {
                context.SendData(data[.._buffer.Length]);
                data = data[_buffer.Length..];
                continue;
            }

            var count = Math.Min(_buffer.Length - _used, data.Length);
            data[..count].CopyTo(_buffer.AsSpan(_used));
            _used += count;
            data = data[count..];
            if (_used == _buffer.Length) Flush();
        }
    }


    public override void Flush()
    {
        if (_used == 0) return;
        context.SendData(_buffer.AsSpan(0, _used));
        _used = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanWrite => true;
}
