using System.Formats.Tar;
using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Images.Oci;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.IntegrationTests.Workspaces;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Images;

/// <summary>
/// Malicious and corrupt uploads to <c>POST /workspace/images/import</c>: each ends in a final
/// NDJSON line with <c>success:false</c> and its code, nothing lands outside the images dir, and
/// the images dir (one of this class's own) holds no layer, key, ref or <c>.import-*</c> after.
/// </summary>
public sealed class ImageUploadSafetyTests(ColdImagesFixture fixture) : IClassFixture<ColdImagesFixture>, IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("hearth-upload-").FullName;
    private readonly string marker = "hearth-upload-pwned-" + Guid.NewGuid().ToString("N")[..8];

    private HearthdInstance Hearthd => fixture.Hearthd;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    public static TheoryData<string> Cases => ["truncated", "climbing", "absolute", "device", "digest"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_archive_fails_with_its_code_and_leaves_nothing(string kind)
    {
        var (archive, code) = Build(kind);

        var lines = await ImportAsync(archive);

        var last = lines[^1];
        Assert.False(last.GetProperty("success").GetBoolean(), string.Join('\n', lines));
        Assert.Equal(code, last.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(last.GetProperty("message").GetString()));
        AssertNothingLeft();
    }

    [Fact]
    public async Task An_empty_body_is_an_ordinary_400()
    {
        using var content = new ByteArrayContent([]);
        using var response = await Hearthd.Http.PostAsync("/workspace/images/import?name=empty:1", content).Within();

        var body = await response.Content.ReadAsStringAsync();
        ApiAssert.Error(new ApiResponse(response.StatusCode, body), HttpStatusCode.BadRequest, "invalid_archive");
        AssertNothingLeft();
    }

    private (byte[] Archive, string Code) Build(string kind)
    {
        var path = Path.Combine(scratch, kind + ".tar");
        TestImage Single(LayerTar layer)
        {
            var image = new TestImage();
            image.Layers.Add(layer.Build());
            return image;
        }
        switch (kind)
        {
            case "truncated":
                ShellImage.BaseOnly().WriteDockerSave(path, "truncated:1");
                var whole = File.ReadAllBytes(path);
                return (whole[..(whole.Length / 2)], "invalid_archive");
            case "climbing":
                Single(new LayerTar().Dir("etc/").File($"../../../../../../../../tmp/{marker}", "x")).WriteDockerSave(path, "climbing:1");
                return (File.ReadAllBytes(path), "invalid_layer");
            case "absolute":
                Single(new LayerTar().Dir("etc/").File($"/tmp/{marker}", "x")).WriteDockerSave(path, "absolute:1");
                return (File.ReadAllBytes(path), "invalid_layer");
            case "device":
                Single(new LayerTar().Dir("dev/").Device("dev/mem", TarEntryType.CharacterDevice)).WriteOciLayoutTar(path, "device", gzipLayers: true, gzipArchive: false);
                return (File.ReadAllBytes(path), "invalid_layer");
            case "digest":
                var wrong = Single(new LayerTar().Dir("etc/").File("etc/motd", "hi"));
                wrong.DiffIdsOverride = [TestImage.Sha("something else"u8.ToArray())];
                wrong.WriteDockerSave(path, "digest:1");
                return (File.ReadAllBytes(path), "digest_mismatch");
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private async Task<List<JsonElement>> ImportAsync(byte[] archive)
    {
        using var content = new ByteArrayContent(archive);
        using var response = await Hearthd.Http.PostAsync("/workspace/images/import?name=bad:1", content).Within();
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    private void AssertNothingLeft()
    {
        var dir = fixture.ImagesDir;
        Assert.False(File.Exists($"/tmp/{marker}"), "a layer wrote outside the images dir");
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(dir)!, marker)));
        Assert.Empty(Directory.EnumerateDirectories(dir, ".import-*"));
        Assert.Empty(Entries(Path.Combine(dir, "layers")));
        Assert.DoesNotContain(Entries(Path.Combine(dir, "keys")), f => !Path.GetFileName(f).StartsWith('.'));
        Assert.Empty(Entries(Path.Combine(dir, "refs")));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories), p => p.Contains(marker, StringComparison.Ordinal));
    }

    private static IEnumerable<string> Entries(string dir) => Directory.Exists(dir) ? Directory.EnumerateFileSystemEntries(dir) : [];
}
