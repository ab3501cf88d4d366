using System.Text.Json;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Files;

/// <summary>
/// <c>fs.read</c>: a regular file's bytes, or some of its lines, as data frames. A first pass
/// counts lines, measures what will be sent and checks whether it is UTF-8; the
/// <see cref="FsReadInfo"/> event says so before the second pass sends exactly those bytes, so
/// the gateway can stream them into a JSON string (or base64) without holding them. A file
/// that changes between the passes fails the operation rather than sending something else.
/// </summary>
internal static class ReadOperation
{
    private const int ChunkSize = 64 * 1024;
    private const long DefaultLimit = 64L * 1024 * 1024;

    /// <summary>
    /// /proc and /sys files report size 0 and produce new content on every read, so they are
    /// read once into memory; more than this is refused.
    /// </summary>
    private const int PseudoFileLimit = 4 * 1024 * 1024;

    public static JsonElement? Run(OperationContext context)
    {
        var args = context.Args(AgentFilesJsonContext.Default.FsReadArgs);
        var path = WorkspacePath.Parse(args.Path);
        using var file = OpenRegular(path, out var st);

        var limit = args.Limit ?? DefaultLimit;
        var ranged = args.StartLine is not null || args.EndLine is not null;
        if (!ranged && (long)st.Size > limit)
            throw TooLarge(path, (long)st.Size, limit);

        var source = Source.Open(file, st, path);
        var first = args.StartLine ?? 1;
        var last = args.EndLine ?? long.MaxValue;

        // Pass 1: count and check.
        var measure = new Measure();
        var lines = new LineSelector(first, last, args.WithLineNumbers);
        long size = 0;
        var buffer = new byte[ChunkSize];
        for (int n; (n = source.Read(size, buffer)) > 0; size += n)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            lines.Feed(buffer.AsSpan(0, n), measure);
            if (measure.Length > limit) throw TooLarge(path, measure.Length, limit);
        }

        var utf8 = measure.Utf8.Finish();
        context.SendEvent(new FsReadInfo
        {
            Path = path.Value,
            Size = size,
            Lines = lines.Lines,
            Length = measure.Length,
            StartLine = ranged ? first : null,
            EndLine = ranged ? Math.Min(last, lines.Lines) : null,
            Utf8 = utf8,
        }, AgentFilesJsonContext.Default.FsReadInfo);

        // Pass 2: send the same selection.
        using var data = context.OpenData();
        var send = new Send(data, measure.Length);
        var again = new LineSelector(first, last, args.WithLineNumbers);
        long offset = 0;
        for (int n; !again.PastLast && (n = source.Read(offset, buffer)) > 0; offset += n)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            again.Feed(buffer.AsSpan(0, n), send);
        }

        if (send.Sent != measure.Length || (utf8 && !send.Utf8.Finish()))
            throw new OperationException("conflict", $"{path} changed while it was being read; read it again");
        data.Flush();
        return null;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading once it is known to be a regular file: a device
    /// or FIFO is never opened (that alone can block or have effects). The O_PATH look comes
    /// first; the second open must land on the same inode.
    /// </summary>
    public static Fd OpenRegular(WorkspacePath path, out Statx st)
    {
        using (var look = WorkspaceRoot.Open(path, Libc.O_PATH))
        {
            st = WorkspaceRoot.Stat(look, path.Value);
            WorkspaceRoot.EnsureVisible(st, path.Value);
            if (st.IsDirectory) throw new OperationException("bad_request", $"is a directory: {path}");
            if (!st.IsRegular) throw new OperationException("bad_request", $"not a regular file: {path}");
        }

        var file = WorkspaceRoot.Open(path, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_NOCTTY);
        var again = WorkspaceRoot.Stat(file, path.Value);
        if (!again.SameInode(st))
        {
            file.Dispose();
            throw new OperationException("conflict", $"{path} was replaced while it was being opened; try again");
        }

        return file;
    }

    private static OperationException TooLarge(WorkspacePath path, long length, long limit) =>
        new("too_large", $"{path} is {length} bytes, over the read limit of {limit} bytes; read a line range, or download it with /files/transfer/download");

    /// <summary>Pass 1: how many bytes would be sent, and whether they are UTF-8.</summary>
    private sealed class Measure : ISelectionSink
    {
        public long Length { get; private set; }

        public Utf8Check Utf8 { get; } = new();

        public void Write(ReadOnlySpan<byte> bytes)
        {
            Length += bytes.Length;
            Utf8.Append(bytes);
        }
    }

    /// <summary>Pass 2: sends the selection, never more than pass 1 announced.</summary>
    private sealed class Send(Stream data, long announced) : ISelectionSink
    {
        private long _sent;
        private bool _overflow;

        /// <summary>Bytes sent; -1 when the selection grew past what was announced.</summary>
        public long Sent => _overflow ? -1 : _sent;

        public Utf8Check Utf8 { get; } = new();

        public void Write(ReadOnlySpan<byte> bytes)
        {
            var room = (int)Math.Min(bytes.Length, announced - _sent);
            if (room < bytes.Length) _overflow = true;
            if (room <= 0) return;
            data.Write(bytes[..room]);
            Utf8.Append(bytes[..room]);
            _sent += room;
        }
    }

    /// <summary>Reads at an offset: pread(2) on a regular file, or a copy taken once of a /proc or /sys file.</summary>
    private sealed unsafe class Source
    {
        private readonly Fd _file;
        private readonly string _path;
        private readonly byte[]? _snapshot;

        private Source(Fd file, string path, byte[]? snapshot)
        {
            _file = file;
            _path = path;
            _snapshot = snapshot;
        }

        public static Source Open(Fd file, in Statx st, WorkspacePath path)
        {
            StatFs fs;
            var pseudo = Libc.FStatFs(file.Value, &fs) == 0 && fs.Type is Libc.PROC_SUPER_MAGIC or Libc.SYSFS_MAGIC;
            if (!pseudo) return new Source(file, path.Value, null);
            using var copy = new MemoryStream();
            var reader = new FdStream(file, path.Value);
            var buffer = new byte[ChunkSize];
            for (int n; (n = reader.Read(buffer)) > 0;)
            {
                copy.Write(buffer, 0, n);
                if (copy.Length > PseudoFileLimit) throw TooLarge(path, copy.Length, PseudoFileLimit);
            }

            return new Source(file, path.Value, copy.ToArray());
        }

        public int Read(long offset, Span<byte> buffer)
        {
            if (_snapshot is not null)
            {
                if (offset >= _snapshot.Length) return 0;
                var count = (int)Math.Max(0, Math.Min(buffer.Length, _snapshot.Length - offset));
                _snapshot.AsSpan((int)offset, count).CopyTo(buffer);
                return count;
            }

            while (true)
            {
                nint n;
                fixed (byte* p = buffer) n = Libc.PRead(_file.Value, p, (nuint)buffer.Length, offset);
                if (n >= 0) return (int)n;
                if (Libc.Errno != Libc.EINTR) throw FileErrors.Last(_path);
            }
        }
    }
}
