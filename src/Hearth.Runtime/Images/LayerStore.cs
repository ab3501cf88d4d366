using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Hearth.Runtime.Images;

/// <summary>What <c>layer.json</c> says about a finished layer.</summary>
internal sealed record LayerInfo
{
    public required string Id { get; init; }
    /// <summary>The build key it was made for: <c>step:&lt;parents&gt;:&lt;fingerprint&gt;</c> or <c>oci:&lt;diff_id&gt;</c>.</summary>
    public required string Key { get; init; }
    public required string Title { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required long SizeBytes { get; init; }
    public required long Files { get; init; }
    public required double BuildSeconds { get; init; }
}

/// <summary>
/// Content-addressed layers: <c>layers/&lt;id&gt;/tree</c> holds one layer in overlayfs
/// lower-layer format and <c>layer.json</c>, written last, marks it complete. <c>keys/</c> maps
/// a build key to the layer it produced, so a layer is built once and found again by every
/// image that stacks the same step on the same parents. A build runs once at a time per key in
/// this process (one shared task) and across processes (a lock file), into a scratch folder
/// renamed into place only when complete: a crash never leaves a half layer that looks ready.
/// </summary>
internal sealed class LayerStore(string directory)
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> builds = new();

    private string LayersDir => Path.Combine(directory, "layers");
    private string KeysDir => Path.Combine(directory, "keys");

    public string TreeOf(string id) => Path.Combine(LayersDir, id, "tree");

    public LayerInfo? Find(string id)
    {
        if (!IsId(id)) return null;
        var path = Path.Combine(LayersDir, id, "layer.json");
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<LayerInfo>(File.ReadAllText(path), Json); }
        catch (JsonException) { return null; }
    }

    public bool Exists(string id) => Find(id) is not null;

    /// <summary>The finished layer built for <paramref name="key"/>, if any.</summary>
    public string? Lookup(string key)
    {
        var path = Path.Combine(KeysDir, Hash(key));
        if (!File.Exists(path)) return null;
        var id = File.ReadAllText(path).Trim();
        return Exists(id) ? id : null;
    }

    public IReadOnlyList<LayerInfo> List() =>
        Directory.Exists(LayersDir)
            ? Directory.EnumerateDirectories(LayersDir).Select(d => Find(Path.GetFileName(d))).OfType<LayerInfo>().ToList()
            : [];

    /// <summary>
    /// The layer for <paramref name="key"/>: found, or built by <paramref name="fill"/> into an
    /// empty tree. Its id is <paramref name="fixedId"/> (an OCI diff_id, checked while filling)
    /// or else the digest of the tree it filled. With <paramref name="rebuild"/> a cached layer is
    /// ignored and built again; layers in use stay where they are (a new tree gets a new id).
    /// </summary>
    public Task<string> EnsureAsync(string key, string title, Func<string, Task> fill, Action<string> progress,
        string? fixedId = null, bool rebuild = false)
    {
        if (!rebuild && Lookup(key) is { } found) return Task.FromResult(found);
        var slot = rebuild ? "rebuild " + key : key;
        var build = builds.GetOrAdd(slot, _ => new Lazy<Task<string>>(() => BuildAsync(key, title, fill, progress, fixedId, rebuild)));
        var task = build.Value;
        task.ContinueWith(_ => builds.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(slot, build)),
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return task;
    }

    private async Task<string> BuildAsync(string key, string title, Func<string, Task> fill, Action<string> progress, string? fixedId, bool rebuild)
    {
        Directory.CreateDirectory(LayersDir);
        Directory.CreateDirectory(KeysDir);
        await using var fileLock = await FileLock.AcquireAsync(Path.Combine(KeysDir, $".{Hash(key)}.lock"));
        if (!rebuild && Lookup(key) is { } built) return built; // another process built it meanwhile

        var scratch = Path.Combine(LayersDir, $".build-{Hash(key)}-{Guid.NewGuid():N}");
        var clock = Stopwatch.StartNew();
        try
        {
            var tree = Path.Combine(scratch, "tree");
            Directory.CreateDirectory(tree);
            await fill(tree);
            var digest = await Task.Run(() => TreeDigest.Compute(tree));
            var id = fixedId ?? digest.Digest;
            var final = Path.Combine(LayersDir, id);
            if (Exists(id))
            {
                progress($"{title}: identical to layer {id[..12]}, kept that one");
            }
            else
            {
                var info = new LayerInfo
                {
                    Id = id,
                    Key = key,
                    Title = title,
                    CreatedAt = DateTimeOffset.UtcNow,
                    SizeBytes = digest.Bytes,
                    Files = digest.Files,
                    BuildSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
                };
                await File.WriteAllTextAsync(Path.Combine(scratch, "layer.json"), JsonSerializer.Serialize(info, Json));
                if (Directory.Exists(final)) Directory.Delete(final, recursive: true); // a half layer without layer.json
                Directory.Move(scratch, final);
                progress($"{title}: layer {id[..12]}, {digest.Files} files, {Mib(digest.Bytes)} in {clock.Elapsed.TotalSeconds:0.0} s");
            }
            await WriteAtomicAsync(Path.Combine(KeysDir, Hash(key)), id);
            return id;
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Deletes a layer (the caller knows nothing uses it) and the keys that lead to it; returns the bytes freed.</summary>
    public long Remove(string id)
    {
        if (Find(id) is not { } info) return 0;
        var dir = Path.Combine(LayersDir, id);
        // Renamed first, so a crash mid-delete leaves no folder that could pass for the layer.
        var trash = Path.Combine(LayersDir, $".trash-{id}-{Guid.NewGuid():N}");
        Directory.Move(dir, trash);
        if (Directory.Exists(KeysDir))
        {
            foreach (var keyFile in Directory.EnumerateFiles(KeysDir).Where(f => !Path.GetFileName(f).StartsWith('.')))
                if (File.ReadAllText(keyFile).Trim() == id) File.Delete(keyFile);
        }
        Directory.Delete(trash, recursive: true);
        return info.SizeBytes;
    }

    /// <summary>
    /// Scratch folders of builds that died (their key's lock is free) and trash a crashed removal
    /// left; other processes sharing the folder may be building right now, so a scratch folder
    /// whose lock is held stays.
    /// </summary>
    public void SweepLeftovers()
    {
        if (!Directory.Exists(LayersDir)) return;
        foreach (var dir in Directory.EnumerateDirectories(LayersDir))
        {
            var name = Path.GetFileName(dir);
            try
            {
                if (name.StartsWith(".trash-", StringComparison.Ordinal))
                {
                    Directory.Delete(dir, recursive: true);
                }
                else if (name.StartsWith(".build-", StringComparison.Ordinal) && name.Length > 71)
                {
                    var lockPath = Path.Combine(KeysDir, $".{name[7..71]}.lock");
                    using var free = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    Directory.Delete(dir, recursive: true);
                }
            }
            catch (IOException) { } // in use by a live build, or being deleted by another process
        }
    }

    public static bool IsId(string id) => id.Length == 64 && id.All(char.IsAsciiHexDigitLower);

    public static string Mib(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MiB";

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    internal static async Task WriteAtomicAsync(string path, string content)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>An exclusive lock on a file, shared by every process that uses the same images folder.</summary>
internal static class FileLock
{
    public static async Task<FileStream> AcquireAsync(string path)
    {
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) { await Task.Delay(200); }
        }
    }
}
