using Hearth.IntegrationTests.Infrastructure;
using Hearth.Runtime;
using Hearth.Runtime.Images.Oci;

namespace Hearth.IntegrationTests.Images.Oci;

/// <summary>
/// <see cref="OciArchive"/> on archives built here: an OCI layout (directory, tar, gzipped tar,
/// layers gzipped or plain) and a legacy docker save tar, read back to the same image; corrupt
/// blobs, wrong diff_ids and broken archives are refused with their codes.
/// </summary>
public sealed class OciArchiveTests : IDisposable
{
    private readonly OciScratch scratch = new();

    public void Dispose() => scratch.Dispose();

    /// <summary>Two layers: the upper one deletes /etc/motd and makes /var/cache opaque.</summary>
    internal static TestImage TwoLayerImage()
    {
        var image = new TestImage();
        image.Layers.Add(new LayerTar()
            .Dir("etc/").File("etc/motd", "welcome").File("etc/keep", "kept")
            .Dir("var/cache/").File("var/cache/old", "old")
            .File("usr/bin/tool", "tool", mode: "4755", uid: 0, gid: 0)
            .Build());
        image.Layers.Add(new LayerTar()
            .Dir("etc/").Whiteout("etc/motd")
            .Dir("var/cache/").Opaque("var/cache").File("var/cache/new", "new")
            .Build());
        return image;
    }

    [Theory]
    [InlineData("oci-dir", false)]
    [InlineData("oci-dir", true)]
    [InlineData("oci-tar", false)]
    [InlineData("oci-tar", true)]
    [InlineData("oci-tar-gz", true)]
    [InlineData("docker-save", false)]
    [InlineData("docker-save-gz", false)]
    public async Task Every_archive_format_reads_back_to_the_same_image(string format, bool gzipLayers)
    {
        var image = TwoLayerImage();
        var path = Path.Combine(scratch.Root, "image-" + format);
        string? manifestDigest = null;
        switch (format)
        {
            case "oci-dir":
                manifestDigest = image.WriteOciLayout(path, "1.0", gzipLayers);
                break;
            case "oci-tar" or "oci-tar-gz":
                image.WriteOciLayoutTar(path, "1.0", gzipLayers, gzipArchive: format == "oci-tar-gz");
                break;
            default:
                image.WriteDockerSave(path, "demo/app:1.0");
                if (format == "docker-save-gz") File.WriteAllBytes(path, LayerTar.Gzip(File.ReadAllBytes(path)));
                break;
        }

        var opened = await OciArchive.OpenAsync(path, scratch.Work, CancellationToken.None).Within();

        Assert.Equal(["PATH=/usr/bin:/bin", "GREETING=hello"], opened.Config.Env);
        Assert.Equal(["/bin/sh", "-c"], opened.Config.Entrypoint);
        Assert.Equal(["echo hi"], opened.Config.Cmd);
        Assert.Equal("/srv", opened.Config.WorkingDir);
        Assert.Equal("1000:1000", opened.Config.User);
        Assert.Equal(format.StartsWith("docker", StringComparison.Ordinal) ? "demo/app:1.0" : "1.0", opened.SuggestedName);
        Assert.Equal(image.DiffIds, opened.Layers.Select(l => l.DiffId));
        if (manifestDigest is not null) Assert.Equal(manifestDigest, opened.ManifestDigest);
        Assert.Matches("^sha256:[a-f0-9]{64}$", opened.ManifestDigest);

        var lower = ExtractLayer(opened.Layers[0], "lower");
        var upper = ExtractLayer(opened.Layers[1], "upper");
        Assert.Equal("welcome", File.ReadAllText(Path.Combine(lower, "etc/motd")));
        Assert.Equal("4755", await FileProbe.StatAsync(Path.Combine(lower, "usr/bin/tool"), "%a"));
        Assert.Equal("character special file 0 0", await FileProbe.StatAsync(Path.Combine(upper, "etc/motd"), "%F %t %T"));
        Assert.Equal("y", FileProbe.Xattr(Path.Combine(upper, "var/cache"), "trusted.overlay.opaque"));
        Assert.Equal("new", File.ReadAllText(Path.Combine(upper, "var/cache/new")));
        Assert.True(Directory.EnumerateFileSystemEntries(scratch.Work, "*", SearchOption.AllDirectories).Any(), "blobs are in the work folder");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_layer_blob_that_does_not_match_its_digest_is_refused(bool asTar)
    {
        var image = TwoLayerImage();
        var dir = Path.Combine(scratch.Root, "layout");
        image.WriteOciLayout(dir, "1", gzip: true);
        var blob = Path.Combine(dir, "blobs", "sha256", TestImage.Sha(LayerTar.Gzip(image.Layers[1]))["sha256:".Length..]);
        var bytes = File.ReadAllBytes(blob);
        bytes[bytes.Length / 2] ^= 0xff;
        File.WriteAllBytes(blob, bytes);
        var path = dir;
        if (asTar)
        {
            path = Path.Combine(scratch.Root, "layout.tar");
            System.Formats.Tar.TarFile.CreateFromDirectory(dir, path, includeBaseDirectory: false);
        }

        var error = await Assert.ThrowsAsync<RuntimeException>(() => OciArchive.OpenAsync(path, scratch.Work, CancellationToken.None).Within());
        Assert.Equal("digest_mismatch", error.Code);
        Assert.Contains("expected sha256:", error.Message, StringComparison.Ordinal);
        Assert.Contains(" got sha256:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("oci-gzip")]
    [InlineData("oci-plain")]
    [InlineData("docker-save")]
    public async Task A_layer_whose_diff_id_is_wrong_fails_when_it_is_extracted(string format)
    {
        var image = TwoLayerImage();
        var wrong = TestImage.Sha("not this layer"u8.ToArray());
        image.DiffIdsOverride = [wrong, TestImage.Sha(image.Layers[1])];
        var path = Path.Combine(scratch.Root, "image");
        if (format == "docker-save") image.WriteDockerSave(path, "demo:1");
        else image.WriteOciLayout(path, "1", gzip: format == "oci-gzip");

        var opened = await OciArchive.OpenAsync(path, scratch.Work, CancellationToken.None).Within();
        Assert.Equal(wrong, opened.Layers[0].DiffId);
        var error = Assert.Throws<RuntimeException>(() => ExtractLayer(opened.Layers[0], "lower"));
        Assert.Equal("digest_mismatch", error.Code);
        Assert.Contains($"expected {wrong}", error.Message, StringComparison.Ordinal);
        ExtractLayer(opened.Layers[1], "upper");
    }

    [Fact]
    public async Task Broken_archives_are_invalid_archive()
    {
        var image = TwoLayerImage();

        var truncated = Path.Combine(scratch.Root, "truncated.tar");
        image.WriteDockerSave(truncated, "demo:1");
        var bytes = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);
        await AssertInvalidArchiveAsync(truncated, "truncated");

        var notAnImage = Path.Combine(scratch.Root, "plain.tar");
        File.WriteAllBytes(notAnImage, new LayerTar().File("hello.txt", "hi").Build());
        await AssertInvalidArchiveAsync(notAnImage, "neither");

        var garbled = Path.Combine(scratch.Root, "garbled");
        image.WriteOciLayout(garbled, "1", gzip: false);
        File.WriteAllText(Path.Combine(garbled, "index.json"), "{\"manifests\": [ {\"digest\": ");
        await AssertInvalidArchiveAsync(garbled, "index.json");

        var missingManifest = Path.Combine(scratch.Root, "missing");
        var manifestDigest = image.WriteOciLayout(missingManifest, "1", gzip: false);
        File.Delete(Path.Combine(missingManifest, "blobs", "sha256", manifestDigest["sha256:".Length..]));
        await AssertInvalidArchiveAsync(missingManifest, manifestDigest[7..]);

        var escaping = Path.Combine(scratch.Root, "escaping.tar");
        File.WriteAllBytes(escaping, new LayerTar().File("../manifest.json", "[]").Build());
        await AssertInvalidArchiveAsync(escaping, "leaves the archive");

        var garbage = Path.Combine(scratch.Root, "garbage.gz");
        File.WriteAllBytes(garbage, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        await AssertInvalidArchiveAsync(garbage, "garbage.gz");
    }

    [Theory]
    [InlineData("a file, then a file under it")]
    [InlineData("a folder, then a file over it")]
    public async Task Entries_that_clash_on_disk_are_invalid_archive(string clash)
    {
        var path = Path.Combine(scratch.Root, "clash.tar");
        File.WriteAllBytes(path, (clash.StartsWith("a file", StringComparison.Ordinal)
            ? new LayerTar().File("a", "file").File("a/b", "under a file")
            : new LayerTar().File("a/b", "in a folder").File("a", "over the folder")).Build());

        await AssertInvalidArchiveAsync(path, "clash.tar cannot be unpacked at a");
    }

    [Fact]
    public async Task A_top_level_relative_symlink_in_the_archive_is_followed()
    {
        // docker save's tar with manifest.json moved aside and linked back from the top level.
        var saved = Path.Combine(scratch.Root, "saved.tar");
        TwoLayerImage().WriteDockerSave(saved, "demo/app:1.0");
        var linked = Path.Combine(scratch.Root, "linked.tar");
        using (var input = File.OpenRead(saved))
        using (var reader = new System.Formats.Tar.TarReader(input))
        using (var output = File.Create(linked))
        using (var writer = new System.Formats.Tar.TarWriter(output, System.Formats.Tar.TarEntryFormat.Ustar))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.Name == "manifest.json")
                {
                    writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.SymbolicLink, "manifest.json") { LinkName = "real/manifest.json" });
                    writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(entry) { Name = "real/manifest.json" });
                }
                else writer.WriteEntry(entry);
            }
        }

        var opened = await OciArchive.OpenAsync(linked, scratch.Work, CancellationToken.None).Within();

        Assert.Equal("demo/app:1.0", opened.SuggestedName);
        Assert.Equal(TwoLayerImage().DiffIds, opened.Layers.Select(l => l.DiffId));
    }

    [Theory]
    [InlineData("docker-save", 64)]
    [InlineData("docker-save", 65)]
    [InlineData("oci-tar", 65)]
    public async Task An_image_of_more_than_64_layers_is_refused_at_import(string format, int layers)
    {
        var image = new TestImage();
        for (var i = 0; i < layers; i++) image.Layers.Add(new LayerTar().File($"layer-{i}", $"{i}").Build());
        var path = Path.Combine(scratch.Root, $"{layers}-layers.tar");
        if (format == "docker-save") image.WriteDockerSave(path, "demo/tall:1");
        else image.WriteOciLayoutTar(path, "1", gzipLayers: false, gzipArchive: false);

        var open = OciArchive.OpenAsync(path, scratch.Work, CancellationToken.None).Within();

        if (layers <= 64)
        {
            Assert.Equal(layers, (await open).Layers.Count);
            return;
        }
        var error = await Assert.ThrowsAsync<RuntimeException>(() => open);
        Assert.Equal("invalid_image", error.Code);
        Assert.Equal("the archive's image: 65 layers; at most 64 (one overlay mount stacks them all)", error.Message);
    }

    private async Task AssertInvalidArchiveAsync(string path, string inMessage)
    {
        var work = Path.Combine(scratch.Root, "work-" + Path.GetFileName(path));
        var error = await Assert.ThrowsAsync<RuntimeException>(() => OciArchive.OpenAsync(path, work, CancellationToken.None).Within());
        Assert.True(error.Code == "invalid_archive", $"{Path.GetFileName(path)}: {error.Code} {error.Message}");
        Assert.Contains(inMessage, error.Message, StringComparison.Ordinal);
    }

    private string ExtractLayer(OciLayerBlob layer, string name)
    {
        var tree = scratch.NewTree(name + "-" + Guid.NewGuid().ToString("N")[..6]);
        using var stream = layer.OpenUncompressed();
        LayerExtractor.Extract(stream, tree, CancellationToken.None);
        return tree;
    }
}
