using Hearth.Agent.Interop;
using Hearth.Agent.Paths;

namespace Hearth.Agent.Files;

/// <summary>
/// A regular file's bytes as a seekable stream of exactly the size it had when it was opened,
/// for the tar writer, which writes that size into the entry's header first: a file that grows
/// meanwhile is cut there, one that shrinks is padded with zeros, so the archive stays valid.
/// Reads with pread(2) and does not own the descriptor.
/// </summary>
internal sealed unsafe class SnapshotStream(Fd fd, long length, string path) : Stream
{
    private long _position;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position);
        if (count <= 0) return 0;
        var target = buffer[..count];
        nint n;
        while (true)
        {
            fixed (byte* p = target) n = Libc.PRead(fd.Value, p, (nuint)count, _position);
            if (n >= 0 || Libc.Errno != Libc.EINTR) break;
        }

        if (n < 0) throw FileErrors.Last(path);
        if (n == 0)
        {
            // Shrunk since it was opened: zeros up to the size in the header.
            target.Clear();
            n = count;
        }

        _position += n;
        return (int)n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
