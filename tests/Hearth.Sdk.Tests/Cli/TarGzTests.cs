using System.Formats.Tar;
using System.IO.Compression;
using Hearth.Cli;
using Hearth.Cli.Transfer;

namespace Hearth.Sdk.Tests.Cli;

public sealed class TarGzTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "hearth-targz-" + Guid.NewGuid().ToString("N")[..8]);

    public TarGzTests() => Directory.CreateDirectory(dir);

    [Fact]
    public async Task A_download_cannot_write_through_a_link_it_carries()
    {
        var outside = Path.Combine(dir, "outside");
        Directory.CreateDirectory(outside);
        using var archive = await ArchiveAsync(
            new PaxTarEntry(TarEntryType.SymbolicLink, "app/a") { LinkName = outside },
            new PaxTarEntry(TarEntryType.RegularFile, "app/a/evil") { DataStream = new MemoryStream("x"u8.ToArray()) });

        var failure = await Assert.ThrowsAsync<CliException>(() => TarGz.UnpackAsync(archive, "/app", Path.Combine(dir, "copy"), CancellationToken.None));

        Assert.StartsWith("the archive has", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public async Task Links_in_a_download_are_made_after_the_files()
    {
        using var archive = await ArchiveAsync(
            new PaxTarEntry(TarEntryType.SymbolicLink, "app/link") { LinkName = "file" },
            new PaxTarEntry(TarEntryType.RegularFile, "app/file") { DataStream = new MemoryStream("x"u8.ToArray()) });

        await TarGz.UnpackAsync(archive, "/app", Path.Combine(dir, "copy"), CancellationToken.None);

        Assert.Equal("file", new FileInfo(Path.Combine(dir, "copy", "link")).LinkTarget);
        Assert.Equal("x", await File.ReadAllTextAsync(Path.Combine(dir, "copy", "link")));
    }

    private static async Task<MemoryStream> ArchiveAsync(params TarEntry[] entries)
    {
        var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, leaveOpen: true))
        {
            foreach (var entry in entries) await tar.WriteEntryAsync(entry);
        }
        buffer.Position = 0;
        return buffer;
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
