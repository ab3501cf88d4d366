using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Files;

/// <summary>
/// <c>fs.extract</c>: a tar.gz arriving as the operation's input is extracted under
/// <c>dest</c> as it streams in (GZipStream and TarReader over the input, each file copied
/// straight to disk), so memory stays a few buffers whatever the archive's size.
/// </summary>
/// <remarks>
/// Nothing outside <c>dest</c> is ever written: an entry name that is absolute or has a
/// <c>..</c>, a symlink whose target leaves <c>dest</c>, a hard link to outside, or a device
/// node or FIFO is <c>bad_request</c> before anything is done for it; and every entry's
/// directory is resolved from <c>dest</c> with RESOLVE_BENEATH, so a symlink already there
/// (or extracted earlier) cannot lead out either. Entries before a bad one stay extracted.
/// Files get the archive's permission bits and mtime; ownership stays with the workspace's
/// root. The file system is synced (syncfs) before the result.
/// </remarks>
internal static class ExtractOperation
{
    public static JsonElement? Run(OperationContext context)
    {
        var args = context.Args(AgentFilesJsonContext.Default.FsExtractArgs);
        var dest = WorkspacePath.Parse(string.IsNullOrEmpty(args.Dest) ? "/" : args.Dest, "dest");
        using (var existing = WorkspaceRoot.TryOpen(dest, Libc.O_PATH))
        {
            if (existing is not null && !WorkspaceRoot.Stat(existing, dest.Value).IsDirectory)
                throw new OperationException("conflict", $"dest {dest} exists and is not a directory");
        }

        using var root = Directories.CreateAll(dest, Directories.DefaultMode, out _);
        WorkspaceRoot.EnsureWritable(root, dest.Value);
        var canonical = WorkspaceRoot.CanonicalPath(root);
        var extractor = new ArchiveExtractor(root, dest, canonical.StartsWith('/') ? canonical : dest.Value, context.Cancellation);

        var input = new CountingStream(context.Input);
        try
        {
            using var gzip = new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);
            using var tar = new TarReader(gzip, leaveOpen: true);
            while (tar.GetNextEntry(copyData: false) is { } entry)
                extractor.Extract(entry);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            throw new OperationException("bad_request", $"the body is not a valid tar.gz archive: {e.Message}");
        }

        if (input.Count == 0) throw new OperationException("bad_request", "the body is empty; send a tar.gz archive");
        extractor.Sync();
        return OperationContext.Result(new FsExtractResult { Dest = dest.Value, FilesExtracted = extractor.FilesExtracted },
            AgentFilesJsonContext.Default.FsExtractResult);
    }

    /// <summary>Counts the bytes read through it (to tell an empty body from an empty archive).</summary>
    private sealed class CountingStream(Stream inner) : SequentialStream
    {
        public long Count { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            Count += n;
            return n;
        }


        public override bool CanRead => true;
        public override bool CanWrite => false;
    }
}
