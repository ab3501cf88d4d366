using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// Opens an image archive: a <c>docker save</c> tar (manifest.json), an OCI image layout tar
/// (oci-layout, index.json, blobs/sha256/...), either gzipped, or an OCI layout directory.
/// The blobs the image needs end up in <c>workDir</c> (the caller deletes it), each checked
/// against its digest; the layers' diff_ids are checked as they are read
/// (<see cref="OciLayerBlob.OpenUncompressed"/>), so a layer is only trusted once extracted.
/// </summary>
internal static partial class OciArchive
{
    private const string Code = "invalid_archive";

    public static async Task<OciImage> OpenAsync(string path, string workDir, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDir);
        var source = Directory.Exists(path)
            ? new Source(path, workDir, copy: true)
            : await ExtractAsync(path, workDir, cancellationToken);

        if (source.Find("index.json") is not null)
            return await ReadOciLayoutAsync(source, cancellationToken);
        if (source.Find("manifest.json") is not null)
            return await ReadDockerSaveAsync(source, cancellationToken);
        throw new RuntimeException(Code, $"{Path.GetFileName(path)} is neither an OCI image layout (index.json) nor a docker save archive (manifest.json)");
    }

    private static async Task<OciImage> ReadOciLayoutAsync(Source source, CancellationToken cancellationToken)
    {
        var index = await source.ReadDocumentAsync("index.json", null, cancellationToken);
        var pick = OciDocuments.PickPlatform(OciDocuments.ReadIndex(index, Code, "index.json"))
            ?? throw new RuntimeException("invalid_image", "index.json lists no linux/amd64 image");
        var suggested = pick.Annotations.GetValueOrDefault(OciDescriptor.ContainerdNameAnnotation)
            ?? pick.Annotations.GetValueOrDefault(OciDescriptor.RefNameAnnotation);
        byte[] manifest;
        for (var depth = 0; ; depth++)
        {
            var document = await source.ReadDocumentAsync(BlobPath(pick.Digest), pick.Digest, cancellationToken);
            var mediaType = OciDocuments.MediaTypeOf(document, Code, $"blob {Digest.Short(pick.Digest)}") ?? pick.MediaType;
            if (!OciMediaTypes.IsIndex(mediaType))
            {
                manifest = document;
                break;
            }
            if (depth == 4) throw new RuntimeException(Code, "index.json: indexes nested too deep");
            pick = OciDocuments.PickPlatform(OciDocuments.ReadIndex(document, Code, $"index {Digest.Short(pick.Digest)}"))
                ?? throw new RuntimeException("invalid_image", $"index {Digest.Short(pick.Digest)} lists no linux/amd64 image");
        }

        // docker save (25+) writes an OCI layout with a manifest.json beside it: RepoTags name it best.
        if (source.Find("manifest.json") is not null)
            suggested = DockerManifest(await source.ReadDocumentAsync("manifest.json", null, cancellationToken)).RepoTag ?? suggested;

        var parsed = OciDocuments.ReadManifest(manifest, Code, $"manifest {Digest.Short(pick.Digest)}");
        var configBytes = await source.ReadDocumentAsync(BlobPath(parsed.Config.Digest), parsed.Config.Digest, cancellationToken);
        var config = OciDocuments.ReadConfig(configBytes, Code, "image config");
        OciImage.CheckLayerCount(parsed.Layers.Count, "the archive's image");
        if (config.DiffIds.Count != parsed.Layers.Count)
            throw new RuntimeException(Code, $"the config lists {config.DiffIds.Count} diff_ids for {parsed.Layers.Count} layers");
        var layers = new List<OciLayerBlob>();
        for (var i = 0; i < parsed.Layers.Count; i++)
        {
            var blob = await source.BlobAsync(BlobPath(parsed.Layers[i].Digest), parsed.Layers[i].Digest, i, cancellationToken);
            layers.Add(OciLayerBlob.FromFile(blob, config.DiffIds[i], parsed.Layers[i].Digest));
        }
        return new OciImage { Config = config.Runtime, Layers = layers, SuggestedName = suggested, ManifestDigest = pick.Digest };
    }

    private static async Task<OciImage> ReadDockerSaveAsync(Source source, CancellationToken cancellationToken)
    {
        var manifestBytes = await source.ReadDocumentAsync("manifest.json", null, cancellationToken);
        var manifest = DockerManifest(manifestBytes);
        OciImage.CheckLayerCount(manifest.Layers.Count, "the archive's image");
        var configBytes = await source.ReadDocumentAsync(manifest.Config, DigestOfName(manifest.Config), cancellationToken);
        var config = OciDocuments.ReadConfig(configBytes, Code, manifest.Config);
        if (config.DiffIds.Count != manifest.Layers.Count)
            throw new RuntimeException(Code, $"manifest.json lists {manifest.Layers.Count} layers, the config {config.DiffIds.Count} diff_ids");
        var layers = new List<OciLayerBlob>();
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var blobDigest = DigestOfName(manifest.Layers[i]);
            var blob = await source.BlobAsync(manifest.Layers[i], blobDigest, i, cancellationToken);
            layers.Add(OciLayerBlob.FromFile(blob, config.DiffIds[i], blobDigest));
        }
        // A legacy docker save has no manifest blob; the config digest (the image id) stands in.
        return new OciImage { Config = config.Runtime, Layers = layers, SuggestedName = manifest.RepoTag, ManifestDigest = Digest.Of(configBytes) };
    }

    private sealed record DockerSaveManifest(string Config, IReadOnlyList<string> Layers, string? RepoTag);

    /// <summary>manifest.json of <c>docker save</c>: <c>[{"Config": path, "RepoTags": [...], "Layers": [paths]}]</c>; the first image is used.</summary>
    private static DockerSaveManifest DockerManifest(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var first = document.RootElement.EnumerateArray().FirstOrDefault();
            if (first.ValueKind != JsonValueKind.Object) throw new RuntimeException(Code, "manifest.json lists no image");
            var tags = first.TryGetProperty("RepoTags", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Select(x => x.GetString()).ToList()
                : [];
            return new DockerSaveManifest(
                first.GetProperty("Config").GetString() ?? throw new FormatException("Config is null"),
                first.GetProperty("Layers").EnumerateArray().Select(l => l.GetString() ?? throw new FormatException("a layer path is null")).ToList(),
                tags.FirstOrDefault(x => !string.IsNullOrEmpty(x)));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new RuntimeException(Code, $"manifest.json is not valid: {e.Message}", e);
        }
    }

    [GeneratedRegex("^(?:blobs/sha256/([a-f0-9]{64})|([a-f0-9]{64})\\.json)$")]
    private static partial Regex DigestNamedFile();

    /// <summary>A docker save path that is named by its content's digest (<c>blobs/sha256/HEX</c>, <c>HEX.json</c>), or null.</summary>
    private static string? DigestOfName(string path)
    {
        var match = DigestNamedFile().Match(Source.Normalize(path) ?? "");
        return !match.Success ? null : Digest.Sha256Prefix + (match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value);
    }

    private static string BlobPath(string digest) => "blobs/sha256/" + Digest.Hex(digest, Code, "blob");

    /// <summary>Unpacks the archive's regular files into <c>workDir/archive</c>; its links become aliases (nothing on disk is a link).</summary>
    private static async Task<Source> ExtractAsync(string path, string workDir, CancellationToken cancellationToken)
    {
        var source = new Source(Path.Combine(workDir, "archive"), workDir, copy: false);
        Directory.CreateDirectory(source.Root);
        string? last = null;
        try
        {
            await using var file = File.OpenRead(path);
            var magic = new byte[4];
            var read = await file.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken);
            file.Position = 0;
            if (read >= 4 && magic is [0x28, 0xb5, 0x2f, 0xfd])
                throw new RuntimeException(Code, "zstd-compressed archives are not supported (use gzip or none)");
            Stream input = read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
            await using var reader = new TarReader(input, leaveOpen: false);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                last = entry.Name;
                var name = Source.Normalize(entry.Name) ?? throw new RuntimeException(Code, $"{entry.Name}: the path leaves the archive");
                if (name.Length == 0) continue;
                switch (entry.EntryType)
                {
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        var target = Path.Combine(source.Root, name);
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        source.Aliases.Remove(name);
                        await using (var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 0))
                            if (entry.DataStream is { } data) await data.CopyToAsync(output, cancellationToken);
                        break;
                    case TarEntryType.SymbolicLink when !entry.LinkName.StartsWith('/'):
                        // Relative to the link's folder; a top-level link's folder is "" (not "/").
                        var folder = Path.GetDirectoryName(name) ?? "";
                        var linked = Source.Normalize(folder.Length == 0 ? entry.LinkName : folder + "/" + entry.LinkName);
                        if (linked is not null) source.Aliases[name] = linked;
                        break;
                    case TarEntryType.HardLink:
                        if (Source.Normalize(entry.LinkName) is { } original) source.Aliases[name] = original;
                        break;
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or ArgumentException)
        {
            throw new RuntimeException(Code, $"{Path.GetFileName(path)} is truncated or corrupt{(last is null ? "" : $" (at or after {last})")}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The entries clash with each other (a file `a` then `a/b`, a file over a folder): the
            // archive cannot be laid out as files, which is the archive's fault, not the server's.
            throw new RuntimeException(Code, $"{Path.GetFileName(path)} cannot be unpacked{(last is null ? "" : $" at {last}")}: {e.Message}", e);
        }
        return source;
    }

    /// <summary>
    /// The archive's files: either a directory read in place (<c>copy</c>: blobs are copied into
    /// <c>workDir</c> while their digest is checked) or one unpacked into <c>workDir</c> already
    /// (blobs are checked where they lie). Paths are archive-relative and normalised lexically.
    /// </summary>
    private sealed class Source(string root, string workDir, bool copy)
    {
        public string Root { get; } = root;
        public Dictionary<string, string> Aliases { get; } = new(StringComparer.Ordinal);

        /// <summary><c>a/./b//c</c> -> <c>a/b/c</c>; null when <c>..</c> climbs above the root or the path is absolute.</summary>
        public static string? Normalize(string path)
        {
            if (path.StartsWith('/') || path.Contains('\0')) return null;
            var parts = new List<string>();
            foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == ".") continue;
                if (part != "..") parts.Add(part);
                else if (parts.Count == 0) return null;
                else parts.RemoveAt(parts.Count - 1);
            }
            return string.Join('/', parts);
        }

        /// <summary>The file at an archive path (links followed within the archive), or null.</summary>
        public string? Find(string path)
        {
            var name = Normalize(path) ?? throw new RuntimeException(Code, $"{path}: the path leaves the archive");
            for (var hops = 0; hops < 16 && Aliases.TryGetValue(name, out var next); hops++) name = next;
            var full = Path.Combine(Root, name);
            return name.Length > 0 && File.Exists(full) ? full : null;
        }

        private string Require(string path) => Find(path) ?? throw new RuntimeException(Code, $"the archive has no {path}");

        public async Task<byte[]> ReadDocumentAsync(string path, string? digest, CancellationToken cancellationToken)
        {
            var file = Require(path);
            if (new FileInfo(file).Length > OciDocuments.MaxDocumentBytes)
                throw new RuntimeException(Code, $"{path} is larger than {OciDocuments.MaxDocumentBytes} bytes");
            var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
            if (digest is not null && Digest.Of(bytes) != digest)
                throw new RuntimeException("digest_mismatch", $"{path}: expected {digest} got {Digest.Of(bytes)}");
            return bytes;
        }

        /// <summary>The checked copy of a blob in <c>workDir</c>; <paramref name="digest"/> null where the archive names none.</summary>
        public async Task<string> BlobAsync(string path, string? digest, int layer, CancellationToken cancellationToken)
        {
            var file = Require(path);
            if (!copy)
            {
                if (digest is not null && Digest.OfFile(file) is var actual && actual != digest)
                    throw new RuntimeException("digest_mismatch", $"layer {layer} ({path}): expected {digest} got {actual}");
                return file;
            }
            var target = Path.Combine(workDir, "blobs", digest is null ? $"layer-{layer}" : Digest.Hex(digest, Code, path));
            if (File.Exists(target)) return target;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var partial = target + ".partial";
            await using (var input = File.OpenRead(file))
            await using (var output = File.Create(partial))
            {
                Stream checkedInput = digest is null ? input : new VerifyingStream(input, digest, $"layer {layer} ({path})", leaveOpen: true);
                await checkedInput.CopyToAsync(output, cancellationToken);
            }
            File.Move(partial, target);
            return target;
        }
    }
}
