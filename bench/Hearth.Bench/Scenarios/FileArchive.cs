using System.Formats.Tar;
using System.IO.Compression;

namespace Hearth.Bench.Scenarios;

/// <summary>The tar.gz archives of <c>/files/transfer/*</c>: one file in, one file out.</summary>
internal static class FileArchive
{
    /// <summary>A PAX tar holding one regular file (0644) named <paramref name="name"/>, gzip-compressed at the fastest level.</summary>
    public static byte[] OneFile(string name, byte[] content)
    {
        using var archive = new MemoryStream(content.Length + 64 * 1024);
        using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                DataStream = new MemoryStream(content, writable: false),
            };
            tar.WriteEntry(entry);
        }
        return archive.ToArray();
    }

    /// <summary>The one regular file of a tar.gz: its name and content; anything else in the archive is an error.</summary>
    public static (string Name, byte[] Content) SingleFile(ReadOnlyMemory<byte> archive)
    {
        using var gzip = new GZipStream(new MemoryStream(archive.ToArray(), writable: false), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        (string, byte[])? found = null;
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || found is not null || entry.DataStream is null)
                throw new BenchException($"the downloaded archive has more than one file, or an entry '{entry.Name}' of type {entry.EntryType}");
            using var content = new MemoryStream();
            entry.DataStream.CopyTo(content);
            found = (entry.Name, content.ToArray());
        }
        return found ?? throw new BenchException("the downloaded archive has no file");
    }
}
