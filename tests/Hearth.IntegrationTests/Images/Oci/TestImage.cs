using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hearth.IntegrationTests.Images.Oci;

/// <summary>
/// An image the tests build from layer tars and write in the formats Hearth reads: an OCI image
/// layout (directory or tar, layers gzipped or not) and a legacy <c>docker save</c> tar.
/// </summary>
internal sealed class TestImage
{
    public List<byte[]> Layers { get; } = [];
    public List<string> Env { get; init; } = ["PATH=/usr/bin:/bin", "GREETING=hello"];
    public List<string> Entrypoint { get; init; } = ["/bin/sh", "-c"];
    public List<string> Cmd { get; init; } = ["echo hi"];
    public string WorkingDir { get; init; } = "/srv";
    public string User { get; init; } = "1000:1000";

    /// <summary>Replaces the true diff_ids in the config (to test that a wrong one is caught).</summary>
    public List<string>? DiffIdsOverride { get; set; }

    public static string Sha(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public IReadOnlyList<string> DiffIds => DiffIdsOverride ?? Layers.Select(Sha).ToList();

    public byte[] ConfigJson() => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["architecture"] = "amd64",
        ["os"] = "linux",
        ["config"] = new JsonObject
        {
            ["Env"] = Array(Env),
            ["Entrypoint"] = Array(Entrypoint),
            ["Cmd"] = Array(Cmd),
            ["WorkingDir"] = WorkingDir,
            ["User"] = User,
        },
        ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = Array(DiffIds) },
    });

    /// <summary>Writes an OCI image layout into <paramref name="dir"/>; returns the manifest digest.</summary>
    public string WriteOciLayout(string dir, string tag, bool gzip)
    {
        Directory.CreateDirectory(Path.Combine(dir, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        var config = ConfigJson();
        var layers = new JsonArray();
        foreach (var layer in Layers)
        {
            var blob = gzip ? LayerTar.Gzip(layer) : layer;
            layers.Add(Descriptor(gzip ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.oci.image.layer.v1.tar", WriteBlob(dir, blob), blob.Length));
        }
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", WriteBlob(dir, config), config.Length),
            ["layers"] = layers,
        });
        var manifestDigest = WriteBlob(dir, manifest);
        var entry = Descriptor("application/vnd.oci.image.manifest.v1+json", manifestDigest, manifest.Length);
        entry["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag };
        File.WriteAllBytes(Path.Combine(dir, "index.json"), JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(entry),
        }));
        return manifestDigest;
    }

    /// <summary>A tar (gzipped if asked) of an OCI layout written by <see cref="WriteOciLayout"/>; returns the manifest digest.</summary>
    public string WriteOciLayoutTar(string path, string tag, bool gzipLayers, bool gzipArchive)
    {
        var dir = path + ".layout";
        var digest = WriteOciLayout(dir, tag, gzipLayers);
        using var tar = new MemoryStream();
        TarFile.CreateFromDirectory(dir, tar, includeBaseDirectory: false);
        File.WriteAllBytes(path, gzipArchive ? LayerTar.Gzip(tar.ToArray()) : tar.ToArray());
        Directory.Delete(dir, recursive: true);
        return digest;
    }

    /// <summary>A legacy <c>docker save</c> tar: <c>ID/layer.tar</c>, <c>CONFIGHEX.json</c>, <c>manifest.json</c>.</summary>
    public void WriteDockerSave(string path, string repoTag)
    {
        var config = ConfigJson();
        var configName = Sha(config)["sha256:".Length..] + ".json";
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Ustar);
        var layerPaths = new JsonArray();
        for (var i = 0; i < Layers.Count; i++)
        {
            var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"layer-{i}")));
            writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, id + "/"));
            Write(writer, id + "/layer.tar", Layers[i]);
            layerPaths.Add(id + "/layer.tar");
        }
        Write(writer, configName, config);
        Write(writer, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(new JsonArray(new JsonObject
        {
            ["Config"] = configName,
            ["RepoTags"] = new JsonArray(repoTag),
            ["Layers"] = layerPaths,
        })));
    }

    private static void Write(TarWriter writer, string name, byte[] data) =>
        writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data), Mode = LayerTar.Mode("644") });

    private static string WriteBlob(string dir, byte[] data)
    {
        var digest = Sha(data);
        File.WriteAllBytes(Path.Combine(dir, "blobs", "sha256", digest["sha256:".Length..]), data);
        return digest;
    }

    private static JsonObject Descriptor(string mediaType, string digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };

    private static JsonArray Array(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode?)JsonValue.Create(i))]);
}
