using Hearth.Agent.Interop;
using Hearth.Agent.Paths;

namespace Hearth.Agent.Files;

/// <summary>
/// A plain stream over a descriptor with read(2)/write(2): no buffering and no fstat probing
/// of its own (FileStream does both), for copying operation input into files and files into
/// the archive writer. It does not own the descriptor.
/// </summary>
internal sealed unsafe class FdStream(Fd fd, string path) : SequentialStream
{
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            nint n;
            fixed (byte* p = buffer) n = Libc.Read(fd.Value, p, (nuint)buffer.Length);
            if (n >= 0) return (int)n;
            if (Libc.Errno != Libc.EINTR) throw FileErrors.Last(path);
        }
    }


    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            nint n;
            fixed (byte* p = buffer) n = Libc.Write(fd.Value, p, (nuint)buffer.Length);
            if (n < 0)
            {
                if (Libc.Errno == Libc.EINTR) continue;
                throw FileErrors.Last(path);
            }

            buffer = buffer[(int)n..];
        }
    }


    public override bool CanRead => true;
    public override bool CanWrite => true;
}
