using System.Text.Json;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// Reads the JSON documents of an image: index (or Docker manifest list), manifest, config
/// (image-spec image-index.md, manifest.md, config.md). A malformed document throws
/// <see cref="RuntimeException"/> with the caller's code: <c>invalid_archive</c> for an archive,
/// <c>invalid_image</c> for a registry.
/// </summary>
internal static class OciDocuments
{
    /// <summary>
    /// Manifests, indexes, configs and token replies are small (containerd refuses manifests over
    /// 4 MiB too); a bigger one is refused rather than read into memory.
    /// </summary>
    public const int MaxDocumentBytes = 4 * 1024 * 1024;

    public sealed record Manifest(OciDescriptor Config, IReadOnlyList<OciDescriptor> Layers);

    public sealed record Config(ImageConfig Runtime, IReadOnlyList<string> DiffIds);

    /// <summary>The media type a document declares in its own <c>mediaType</c> field, or null.</summary>
    public static string? MediaTypeOf(byte[] json, string errorCode, string what) =>
        Parse(json, errorCode, what, root => root.TryGetProperty("mediaType", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null);

    public static IReadOnlyList<OciDescriptor> ReadIndex(byte[] json, string errorCode, string what) =>
        Parse(json, errorCode, what, root => Array(root, "manifests").Select(d => Descriptor(d)).ToList());

    public static Manifest ReadManifest(byte[] json, string errorCode, string what) =>
        Parse(json, errorCode, what, root =>
        {
            if (root.TryGetProperty("schemaVersion", out var version) && version.ValueKind == JsonValueKind.Number && version.GetInt32() != 2)
                throw new RuntimeException("invalid_image", $"{what}: manifest schema {version.GetInt32()} is not supported (only schema 2 and OCI)");
            var config = Descriptor(root.GetProperty("config"));
            var layers = Array(root, "layers").Select(d => Descriptor(d)).ToList();
            foreach (var layer in layers)
                if (!OciMediaTypes.IsLayer(layer.MediaType))
                    throw new RuntimeException("invalid_image", $"{what}: layer media type {layer.MediaType} is not an image layer");
            return new Manifest(config, layers);
        });

    public static Config ReadConfig(byte[] json, string errorCode, string what) =>
        Parse(json, errorCode, what, root =>
        {
            var diffIds = Array(root.GetProperty("rootfs"), "diff_ids").Select(d => d.GetString()!).ToList();
            foreach (var diffId in diffIds)
                _ = Digest.Hex(diffId, errorCode, $"{what} diff_id");
            var runtime = new ImageConfig();
            if (root.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object)
            {
                runtime = new ImageConfig
                {
                    Env = Strings(c, "Env"),
                    Entrypoint = Strings(c, "Entrypoint"),
                    Cmd = Strings(c, "Cmd"),
                    WorkingDir = NonEmpty(c, "WorkingDir"),
                    User = NonEmpty(c, "User"),
                };
            }
            return new Config(runtime, diffIds);
        });

    /// <summary>
    /// The entry of an index to use on this host: linux/amd64 when platforms are given, else the
    /// only (or first) image manifest without a platform; null when none fits.
    /// </summary>
    public static OciDescriptor? PickPlatform(IReadOnlyList<OciDescriptor> entries)
    {
        var usable = entries.Where(e => OciMediaTypes.IsManifest(e.MediaType) || OciMediaTypes.IsIndex(e.MediaType)).ToList();
        return usable.FirstOrDefault(e => e.Os == "linux" && e.Architecture == "amd64")
            ?? usable.FirstOrDefault(e => e.Os is null && e.Architecture is null);
    }

    private static T Parse<T>(byte[] json, string errorCode, string what, Func<JsonElement, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new RuntimeException(errorCode, $"{what} is not a JSON object");
            return read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new RuntimeException(errorCode, $"{what} is not valid: {e.Message}", e);
        }
    }

    private static OciDescriptor Descriptor(JsonElement d)
    {
        var digest = d.GetProperty("digest").GetString();
        if (!Digest.IsValid(digest)) throw new FormatException($"'{digest}' is not a sha256 digest");
        string? os = null, architecture = null;
        if (d.TryGetProperty("platform", out var platform) && platform.ValueKind == JsonValueKind.Object)
        {
            os = platform.TryGetProperty("os", out var o) ? o.GetString() : null;
            architecture = platform.TryGetProperty("architecture", out var a) ? a.GetString() : null;
        }
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (d.TryGetProperty("annotations", out var notes) && notes.ValueKind == JsonValueKind.Object)
            foreach (var note in notes.EnumerateObject())
                if (note.Value.ValueKind == JsonValueKind.String) annotations[note.Name] = note.Value.GetString()!;
        var mediaType = d.TryGetProperty("mediaType", out var m) ? m.GetString() ?? "" : "";
        var size = d.TryGetProperty("size", out var s) ? s.GetInt64() : -1;
        return new OciDescriptor(mediaType, digest!, size, os, architecture, annotations);
    }

    private static IEnumerable<JsonElement> Array(JsonElement parent, string name)
    {
        var array = parent.GetProperty(name);
        return array.ValueKind == JsonValueKind.Null ? [] : array.EnumerateArray().ToList();
    }

    private static IReadOnlyList<string> Strings(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString() ?? "").ToList()
            : [];

    private static string? NonEmpty(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
