namespace Hearth.Agent;

/// <summary>
/// A stream that only goes forward (pipes, descriptors, operation input and output): the
/// members such a stream must override and cannot support, in one place. A subclass says
/// whether it reads or writes and overrides the span form of that.
/// </summary>
internal abstract class SequentialStream : Stream
{
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) =>
        CanRead ? Read(buffer.AsSpan(offset, count)) : throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (!CanWrite) throw new NotSupportedException();
        Write(buffer.AsSpan(offset, count));
    }
}
