using System.Formats.Tar;
using Hearth.Runtime;
using Hearth.Runtime.Images.Oci;

namespace Hearth.IntegrationTests.Images.Oci;

/// <summary>
/// <see cref="LayerExtractor"/> on the real file system: the overlayfs lower-layer format
/// (whiteouts, opaque directories), owners and modes as stored, and every refusal with proof
/// that nothing was written outside the layer folder.
/// </summary>
public sealed class LayerExtractorTests : IDisposable
{
    private readonly OciScratch scratch = new();

    public void Dispose() => scratch.Dispose();

    private LayerStats Extract(LayerTar tar) => Extract(tar.Build());

    private LayerStats Extract(byte[] tar)
    {
        using var stream = new MemoryStream(tar);
        return LayerExtractor.Extract(stream, scratch.Tree, CancellationToken.None);
    }

    private RuntimeException Refused(LayerTar tar, string code = "invalid_layer")
    {
        var error = Assert.Throws<RuntimeException>(() => Extract(tar));
        Assert.Equal(code, error.Code);
        return error;
    }

    [Fact]
    public async Task Files_dirs_owners_modes_and_times_are_stored_as_in_the_tar()
    {
        var stats = Extract(new LayerTar()
            .Dir("./usr/", uid: 0, gid: 0)
            .Dir("./usr/bin/")
            .File("./usr/bin/tool", "#!/bin/sh\necho tool\n", mode: "4755", uid: 0, gid: 0)
            .Dir("./home/app/", mode: "700", uid: 1000, gid: 1000)
            .File("./home/app/notes.txt", "hello", mode: "640", uid: 1000, gid: 1001)
            .Dir("./tmp/", mode: "1777")
            .File("implicit/parent/file", "no parent entries"));

        Assert.Equal("4755 0 0 regular file", await FileProbe.StatAsync(scratch.InTree("usr/bin/tool"), "%a %u %g %F"));
        Assert.Equal("700 1000 1000", await FileProbe.StatAsync(scratch.InTree("home/app"), "%a %u %g"));
        Assert.Equal("640 1000 1001", await FileProbe.StatAsync(scratch.InTree("home/app/notes.txt"), "%a %u %g"));
        Assert.Equal("1777", await FileProbe.StatAsync(scratch.InTree("tmp"), "%a"));
        Assert.Equal("hello", File.ReadAllText(scratch.InTree("home/app/notes.txt")));
        Assert.Equal("no parent entries", File.ReadAllText(scratch.InTree("implicit/parent/file")));
        // Directory times are set last, so adding children did not move them.
        Assert.Equal(LayerTar.Time.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            await FileProbe.StatAsync(scratch.InTree("home/app"), "%Y"));
        Assert.Equal(LayerTar.Time.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            await FileProbe.StatAsync(scratch.InTree("usr/bin/tool"), "%Y"));
        Assert.Equal(3, stats.Files);
        Assert.Equal("#!/bin/sh\necho tool\n".Length + "hello".Length + "no parent entries".Length, stats.Bytes);
    }

    [Fact]
    public async Task A_whiteout_becomes_a_0_0_character_device_and_an_opaque_marker_an_xattr()
    {
        Extract(new LayerTar()
            .Dir("etc/")
            .Whiteout("etc/motd")
            .Dir("var/cache/")
            .Opaque("var/cache")
            .File("var/cache/kept", "new")
            .File("etc/.wh..wh.plnk", "reserved names are ignored"));

        Assert.Equal("character special file 0 0", await FileProbe.StatAsync(scratch.InTree("etc/motd"), "%F %t %T"));
        Assert.False(FileProbe.Exists(scratch.InTree("etc/.wh.motd")));
        Assert.False(FileProbe.Exists(scratch.InTree("etc/.wh..wh.plnk")));
        Assert.Equal("y", FileProbe.Xattr(scratch.InTree("var/cache"), "trusted.overlay.opaque"));
        Assert.False(FileProbe.Exists(scratch.InTree("var/cache/.wh..wh..opq")));
        Assert.Equal("new", File.ReadAllText(scratch.InTree("var/cache/kept")));
        Assert.Null(FileProbe.Xattr(scratch.InTree("etc"), "trusted.overlay.opaque"));
    }

    [Fact]
    public async Task Symlinks_are_kept_verbatim_and_hard_links_share_the_inode()
    {
        Extract(new LayerTar()
            .File("bin/busybox", "binary", mode: "755")
            .HardLink("bin/sh", "bin/busybox")
            .HardLink("./bin/ls", "./bin/busybox")
            .Symlink("bin/abs", "/etc/hostname")
            .Symlink("bin/rel", "../../../../outside")
            .Symlink("bin/dangling", "nowhere")
            .Fifo("run/queue"));

        var inode = await FileProbe.StatAsync(scratch.InTree("bin/busybox"), "%i %h");
        Assert.Equal(inode, await FileProbe.StatAsync(scratch.InTree("bin/sh"), "%i %h"));
        Assert.Equal(inode, await FileProbe.StatAsync(scratch.InTree("bin/ls"), "%i %h"));
        Assert.EndsWith(" 3", inode, StringComparison.Ordinal);
        Assert.Equal("/etc/hostname", new FileInfo(scratch.InTree("bin/abs")).LinkTarget);
        Assert.Equal("../../../../outside", new FileInfo(scratch.InTree("bin/rel")).LinkTarget);
        Assert.Equal("nowhere", new FileInfo(scratch.InTree("bin/dangling")).LinkTarget);
        Assert.Equal("fifo 640", await FileProbe.StatAsync(scratch.InTree("run/queue"), "%F %a"));
    }

    [Fact]
    public void A_later_entry_of_the_same_path_replaces_the_earlier_one_and_directories_merge()
    {
        Extract(new LayerTar()
            .File("a", "first")
            .File("a", "second")
            .File("d/old", "stays")
            .Dir("d/", mode: "750")
            .File("d/new", "joins")
            .File("x/inner", "goes")
            .File("x", "a file now")
            .Symlink("s", "target")
            .Dir("s/")
            .File("s/child", "s is a real directory now")
            .Whiteout("w")
            .File("w", "file over a whiteout"));

        Assert.Equal("second", File.ReadAllText(scratch.InTree("a")));
        Assert.Equal("stays", File.ReadAllText(scratch.InTree("d/old")));
        Assert.Equal("joins", File.ReadAllText(scratch.InTree("d/new")));
        Assert.Equal("a file now", File.ReadAllText(scratch.InTree("x")));
        Assert.Null(new FileInfo(scratch.InTree("s")).LinkTarget);
        Assert.Equal("s is a real directory now", File.ReadAllText(scratch.InTree("s/child")));
        Assert.Equal("file over a whiteout", File.ReadAllText(scratch.InTree("w")));
    }

    [Fact]
    public void An_entry_under_a_symlink_is_refused_and_nothing_is_written_through_it()
    {
        var absolute = Refused(new LayerTar().Symlink("a", scratch.Outside).File("a/pwned", "x"));
        Assert.Contains("a/pwned", absolute.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.Outside));

        Directory.Delete(scratch.Tree, recursive: true);
        Directory.CreateDirectory(scratch.Tree);
        Refused(new LayerTar().Symlink("b", "../outside").Dir("b/sub/").File("b/sub/pwned", "x"));
        Refused(new LayerTar().Symlink("c", "../outside").Opaque("c"));
        Refused(new LayerTar().Symlink("d", "../outside").Whiteout("d/victim"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.Outside));
        Assert.Null(FileProbe.Xattr(scratch.Outside, "trusted.overlay.opaque"));
    }

    [Fact]
    public void Paths_that_climb_out_or_are_absolute_are_refused()
    {
        var marker = "hearth-oci-pwned-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Contains("../", Refused(new LayerTar().File($"../outside/{marker}", "x")).Message, StringComparison.Ordinal);
        Refused(new LayerTar().File($"ok/../../outside/{marker}", "x"));
        Assert.Contains($"/tmp/{marker}", Refused(new LayerTar().File($"/tmp/{marker}", "x")).Message, StringComparison.Ordinal);
        Refused(new LayerTar().Dir($"/tmp/{marker}/"));
        Refused(new LayerTar().Symlink($"../outside/{marker}", "/etc/passwd"));

        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.Outside));
        Assert.False(FileProbe.Exists($"/tmp/{marker}"));
    }

    [Fact]
    public void Device_nodes_are_refused()
    {
        Assert.Contains("dev/null", Refused(new LayerTar().Device("dev/null", TarEntryType.CharacterDevice)).Message, StringComparison.Ordinal);
        Assert.Contains("dev/sda", Refused(new LayerTar().Device("dev/sda", TarEntryType.BlockDevice)).Message, StringComparison.Ordinal);
        Assert.False(FileProbe.Exists(scratch.InTree("dev/null")));
    }

    [Fact]
    public void Hard_links_that_escape_or_point_nowhere_are_refused()
    {
        var secret = Path.Combine(scratch.Outside, "secret");
        File.WriteAllText(secret, "outside");
        Assert.Contains("h1", Refused(new LayerTar().HardLink("h1", "../outside/secret")).Message, StringComparison.Ordinal);
        Refused(new LayerTar().HardLink("h2", secret));
        Assert.Contains("not in this layer", Refused(new LayerTar().HardLink("h3", "missing")).Message, StringComparison.Ordinal);
        // A symlink in the layer does not make an outside file reachable for a hard link either.
        Refused(new LayerTar().Symlink("out", "../outside").HardLink("h4", "out/secret"));
        Refused(new LayerTar().Dir("dir/").HardLink("h5", "dir"));

        Assert.Equal("1", new[] { secret }.Select(p => FileProbe.StatAsync(p, "%h").GetAwaiter().GetResult()).Single());
        Assert.False(FileProbe.Exists(scratch.InTree("h1")));
        Assert.False(FileProbe.Exists(scratch.InTree("h2")));
    }

    [Fact]
    public void A_name_with_NUL_is_refused()
    {
        // A ustar name field ends at its first NUL, but a PAX "path" record is length-prefixed
        // and can carry one. TarWriter will not write it, so the tar is put together here: a
        // ustar header turned into a PAX extended header ('x') holding the record, then the file.
        var record = "path=abc\0def\n";
        record = $"{record.Length + 3} {record}";
        using var raw = new MemoryStream();
        using (var writer = new TarWriter(raw, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "PaxHeaders/abcdef") { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(record)) });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "abcdef") { DataStream = new MemoryStream("x"u8.ToArray()) });
        }
        var tar = raw.ToArray();
        tar[156] = (byte)'x';
        FixChecksum(tar, 0);

        var error = Assert.Throws<RuntimeException>(() => Extract(tar));
        Assert.Equal("invalid_layer", error.Code);
        Assert.Contains("NUL", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.Tree));
    }

    [Fact]
    public void A_truncated_or_corrupt_tar_is_invalid_archive()
    {
        var tar = new LayerTar().File("big", new string('x', 50_000)).File("after", "y").Build();
        var error = Assert.Throws<RuntimeException>(() => Extract(tar[..20_000]));
        Assert.Equal("invalid_archive", error.Code);
        Assert.Contains("big", error.Message, StringComparison.Ordinal);

        var garbage = tar.ToArray();
        for (var i = 148; i < 156; i++) garbage[i] = (byte)'z'; // the first header's checksum
        Assert.Equal("invalid_archive", Assert.Throws<RuntimeException>(() => Extract(garbage)).Code);
    }

    private static void FixChecksum(byte[] tar, int header)
    {
        for (var i = 148; i < 156; i++) tar[header + i] = (byte)' ';
        var sum = 0;
        for (var i = 0; i < 512; i++) sum += tar[header + i];
        System.Text.Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", 0, 8, tar, header + 148);
    }
}
