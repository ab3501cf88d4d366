using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hearth.Runtime.Images.Catalog;
using Hearth.Runtime.Images.Oci;
using Microsoft.Extensions.Logging;

namespace Hearth.Runtime.Images;

/// <summary>Runs a /bin/sh script in a read-only view of the given layers (bottom first) and returns its stdout.</summary>
internal delegate Task<string> ImageProbe(IReadOnlyList<string> layerTrees, string script, CancellationToken cancellationToken);

/// <summary>Fetches an image from an OCI registry into <c>workDir</c>.</summary>
internal delegate Task<OciImage> ImagePull(string reference, string workDir, Action<string> progress, CancellationToken cancellationToken);

/// <summary>
/// The images of this host: the catalogue (built from recipes, layer by layer, through the
/// <see cref="LayerStore"/>), images imported from archives or pulled from registries, and
/// operator aliases. An image is a record naming its layers (<see cref="ImageRecord"/>); the
/// layers are shared by every image that stacks them.
/// </summary>
internal sealed partial class ImageStore
{
    private readonly Dictionary<string, CatalogImage> catalog;
    /// <summary>How long a pull may take in all (downloads of a few GB on a slow link included).</summary>
    public static readonly TimeSpan PullDeadline = TimeSpan.FromMinutes(30);

    private readonly SharedOperations<ImageRecord> operations = new();
    private readonly PruneGate gate = new();
    private readonly ConcurrentDictionary<string, string> failures = new();
    private readonly ImageProbe probe;
    private readonly ImagePull? pull;
    private readonly ILogger<ImageStore> logger;

    public ImageStore(string directory, IEnumerable<CatalogImage> catalog, IReadOnlyDictionary<string, string> aliases,
        ImageProbe probe, ImagePull? pull, ILogger<ImageStore> logger, string? aptMirror = null)
    {
        Directory = directory;
        this.catalog = catalog.ToDictionary(i => i.Name);
        foreach (var (alias, target) in aliases)
        {
            if (this.catalog.ContainsKey(alias))
                throw new ArgumentException($"image alias '{alias}' hides the catalogue image of that name");
            if (aliases.ContainsKey(target))
                throw new ArgumentException($"image alias '{alias}' points at another alias '{target}'");
        }
        Aliases = aliases;
        Layers = new LayerStore(directory);
        AptMirror = aptMirror;
        this.probe = probe;
        this.pull = pull;
        this.logger = logger;
    }

    public string Directory { get; }
    public LayerStore Layers { get; }
    public string? AptMirror { get; }
    public IReadOnlyDictionary<string, string> Aliases { get; }
    public IReadOnlyCollection<CatalogImage> Catalog => catalog.Values;

    private string RefsDir => Path.Combine(Directory, "refs");

    /// <summary>The name an alias stands for, or the name itself.</summary>
    public string Resolve(string name) => Aliases.TryGetValue(name, out var target) ? target : name;

    public bool IsCatalog(string name) => catalog.ContainsKey(Resolve(name));

    /// <summary>A catalogue image, an alias, or an image imported or pulled before.</summary>
    public bool IsKnown(string name) => IsCatalog(name) || Find(name) is not null;

    /// <summary>The ready image of that name (alias resolved), or null.</summary>
    public ImageRecord? Find(string name)
    {
        var path = RefPath(Resolve(name));
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<ImageRecord>(File.ReadAllText(path), LayerStore.Json); }
        catch (JsonException) { return null; }
    }

    /// <summary>Every ready image: built catalogue images, imports and pulls.</summary>
    public IReadOnlyList<ImageRecord> List() =>
        System.IO.Directory.Exists(RefsDir)
            ? System.IO.Directory.EnumerateFiles(RefsDir, "*.json").Select(f => Find(NameIn(f))).OfType<ImageRecord>().OrderBy(r => r.Name, StringComparer.Ordinal).ToList()
            : [];

    public (ImageStatus Status, ImageRecord? Record, string? Error) GetState(string name)
    {
        name = Resolve(name);
        if (operations.IsRunning(name)) return (ImageStatus.Building, Find(name), null);
        if (Find(name) is { } record && IsCurrent(record)) return (ImageStatus.Ready, record, null);
        return failures.TryGetValue(name, out var error) ? (ImageStatus.Failed, null, error) : (ImageStatus.Missing, null, null);
    }

    /// <summary>
    /// A record is usable while its layers are all here and, for a catalogue image, while it was
    /// built from today's recipes: after an upgrade that changes a recipe the next use builds the
    /// image again (workspaces keep the layers they pinned).
    /// </summary>
    private bool IsCurrent(ImageRecord record) =>
        record.Layers.All(Layers.Exists)
        && (record.Source != ImageSources.Catalog || !catalog.TryGetValue(record.Name, out var image) || record.Recipe == RecipeOf(image));

    /// <summary>What a catalogue image is built from: its layers' fingerprints, its probe and its config.</summary>
    private static string RecipeOf(CatalogImage image)
    {
        var text = string.Join('\n', image.Layers.Select(l => l.Fingerprint)) + "\n" + image.VersionProbe + "\n"
            + JsonSerializer.Serialize(image.Config, LayerStore.Json);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The layer folders of an image, bottom first; fails if one has gone.</summary>
    public IReadOnlyList<string> TreesOf(IReadOnlyList<string> layerIds)
    {
        foreach (var id in layerIds)
            if (!Layers.Exists(id)) throw new RuntimeException("image_layer_missing", $"layer {id} is missing from {Directory}/layers");
        return layerIds.Select(Layers.TreeOf).ToList();
    }

    /// <summary>
    /// The image, ready to run: found, built (catalogue), or pulled (a registry reference).
    /// Concurrent callers share one build; <paramref name="progress"/> hears its steps.
    /// </summary>
    public Task<ImageRecord> EnsureAsync(string name, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        name = Resolve(name);
        if (Find(name) is { } record && IsCurrent(record)) return Task.FromResult(record);
        if (catalog.TryGetValue(name, out var image))
            return Track(name, report => BuildAsync(image, rebuild: false, report), progress).WaitAsync(cancellationToken);
        if (pull is null || !NamesRegistry(name))
            return Task.FromException<ImageRecord>(new RuntimeException("invalid_image", $"unknown image '{name}'"));
        return Track(name, report => PullCoreAsync(name, report), progress).WaitAsync(cancellationToken);
    }

    /// <summary>Builds a catalogue image again from its recipes, every layer anew; running workspaces keep their old layers.</summary>
    public Task<ImageRecord> RebuildAsync(string name, Action<string>? progress = null)
    {
        name = Resolve(name);
        if (!catalog.TryGetValue(name, out var image))
            throw new RuntimeException("invalid_image", $"'{name}' is not a catalogue image; import or pull it again instead");
        return Track(name, report => BuildAsync(image, rebuild: true, report), progress);
    }

    /// <summary>Pulls <paramref name="reference"/> again (a tag may have moved), sharing layers already here.</summary>
    public Task<ImageRecord> PullAsync(string reference, Action<string>? progress = null)
    {
        if (pull is null || !NamesRegistry(reference))
            throw new RuntimeException("invalid_image", $"'{reference}' is not a registry reference host[:port]/name:tag");
        return Track(reference, report => PullCoreAsync(reference, report), progress);
    }

    /// <summary>Stores an image read from an archive or a registry under <paramref name="name"/>.</summary>
    public Task<ImageRecord> ImportAsync(string name, OciImage image, string source, Action<string>? progress = null)
    {
        if (IsCatalog(name) || Aliases.ContainsKey(name))
            throw new RuntimeException("invalid_image", $"'{name}' is a catalogue image or alias; import under another name");
        return Track(name, report => StoreAsync(name, image, source, report), progress, join: false);
    }

    /// <summary>
    /// A workspace made before layered images ran on <c>&lt;images&gt;/&lt;name&gt;/rootfs</c>. Its
    /// disk was written against that tree, so the tree becomes a layer of its own and the workspace
    /// keeps running on exactly what it had. The layer is a hard-linked copy (<c>cp -al</c>: no data
    /// copied) and the old tree goes only once the layer is complete, so a failure or a crash on the
    /// way loses nothing. Null when there is no such tree (the workspace then gets today's image).
    /// </summary>
    public async Task<ImagePin?> AdoptLegacyAsync(string name)
    {
        var key = $"legacy:{name}";
        if (Layers.Lookup(key) is { } adopted) return new ImagePin([adopted], new ImageConfig());
        var legacy = Path.Combine(Directory, name);
        var rootfs = Path.Combine(legacy, "rootfs");
        if (!File.Exists(Path.Combine(legacy, "manifest.json")) || !System.IO.Directory.Exists(rootfs)) return null;
        var id = await Layers.EnsureAsync(key, $"{name} (from before layers)", async tree =>
        {
            using var copy = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cp", ["-a", "--link", rootfs + "/.", tree])
            {
                RedirectStandardError = true,
            })!;
            var error = await copy.StandardError.ReadToEndAsync();
            await copy.WaitForExitAsync();
            if (copy.ExitCode != 0) throw new RuntimeException("image_adopt_failed", $"cp -al {rootfs}: {error.Trim()}");
        }, line => LogStep(name, 0, line));
        System.IO.Directory.Delete(legacy, recursive: true);
        return new ImagePin([id], new ImageConfig());
    }

    /// <summary>Forgets an image; its layers stay while a workspace or another image uses them (see <see cref="Prune"/>).</summary>
    public bool Remove(string name)
    {
        var path = RefPath(Resolve(name));
        if (!File.Exists(path)) return false;
        File.Delete(path);
        failures.TryRemove(name, out _);
        return true;
    }

    /// <summary>
    /// Deletes every layer that no image and no workspace (<paramref name="pinned"/>) uses; null
    /// when a build, import or pull runs (their layers are in no record yet: prune after them).
    /// </summary>
    public (int Layers, long Bytes)? Prune(IReadOnlySet<string> pinned)
    {
        using var turn = gate.TryBeginPrune();
        if (turn is null) return null;
        var used = List().SelectMany(r => r.Layers).Concat(pinned).ToHashSet(StringComparer.Ordinal);
        int count = 0;
        long bytes = 0;
        foreach (var layer in Layers.List().Where(l => !used.Contains(l.Id)))
        {
            bytes += Layers.Remove(layer.Id);
            count++;
            LogPruned(layer.Id, layer.Title);
        }
        return (count, bytes);
    }

    private Task<ImageRecord> Track(string name, Func<Action<string>, Task<ImageRecord>> work, Action<string>? progress, bool join = true) =>
        operations.RunAsync(name, async report =>
        {
            var clock = Stopwatch.StartNew();
            void Step(string line)
            {
                LogStep(name, clock.Elapsed.TotalSeconds, line);
                report(line);
            }
            using var entered = await gate.EnterOperationAsync();
            try
            {
                var record = await work(Step);
                failures.TryRemove(name, out _);
                LogReady(name, LayerStore.Mib(record.SizeBytes), record.Layers.Count, clock.Elapsed.TotalSeconds);
                return record;
            }
            catch (Exception e)
            {
                failures[name] = e.Message;
                LogFailed(e, name);
                throw;
            }
        }, progress, join);

    private async Task<ImageRecord> BuildAsync(CatalogImage image, bool rebuild, Action<string> report)
    {
        var clock = Stopwatch.StartNew();
        report(rebuild ? $"rebuilding {image.Name}: {image.Layers.Count} layers" : $"building {image.Name}: {image.Layers.Count} layers");
        var ids = new List<string>();
        foreach (var recipe in image.Layers)
        {
            var key = StepKey(ids, recipe);
            var lowers = ids.Select(Layers.TreeOf).ToList();
            if (!rebuild && Layers.Lookup(key) is { } cached)
            {
                report($"{recipe.Title}: cached layer {cached[..12]}");
                ids.Add(cached);
                continue;
            }
            ids.Add(await Layers.EnsureAsync(key, recipe.Title, tree =>
            {
                report($"{recipe.Title}: building");
                return recipe.BuildAsync(new LayerBuildContext { Tree = tree, LowerTrees = lowers, Progress = line => report($"{recipe.Title}: {line}"), AptMirror = AptMirror }, CancellationToken.None);
            }, report, rebuild: rebuild));
        }
        var software = (await probe(ids.Select(Layers.TreeOf).ToList(), image.VersionProbe, CancellationToken.None))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        report($"software: {string.Join(", ", software)}");
        return await SaveAsync(new ImageRecord
        {
            Name = image.Name,
            Source = ImageSources.Catalog,
            Recipe = RecipeOf(image),
            Layers = ids,
            Config = image.Config,
            Software = software,
            SizeBytes = SizeOf(ids),
            BuiltAt = DateTimeOffset.UtcNow,
            BuildSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
        });
    }

    private async Task<ImageRecord> PullCoreAsync(string reference, Action<string> report)
    {
        var workDir = Path.Combine(Directory, $".pull-{Guid.NewGuid():N}");
        try
        {
            System.IO.Directory.CreateDirectory(workDir);
            report($"pulling {reference}");
            // A registry that trickles bytes is cut by the client's idle timeout; this bounds the whole pull.
            using var deadline = new CancellationTokenSource(PullDeadline);
            OciImage image;
            try { image = await pull!(reference, workDir, report, deadline.Token); }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new RuntimeException("registry_unreachable", $"pulling {reference} took longer than {PullDeadline.TotalMinutes} minutes");
            }
            return await StoreAsync(reference, image, ImageSources.Registry, report);
        }
        finally
        {
            if (System.IO.Directory.Exists(workDir)) System.IO.Directory.Delete(workDir, recursive: true);
        }
    }

    private async Task<ImageRecord> StoreAsync(string name, OciImage image, string source, Action<string> report)
    {
        var clock = Stopwatch.StartNew();
        var ids = new List<string>();
        // A failure part way keeps the layers already complete: they are cache, shared by content,
        // possibly used by another image already; prune takes them back when nothing uses them.
        await StoreLayersAsync(image, ids, report);
        return await SaveAsync(new ImageRecord
        {
            Name = name,
            Source = source,
            Layers = ids,
            Config = image.Config,
            SizeBytes = SizeOf(ids),
            BuiltAt = DateTimeOffset.UtcNow,
            BuildSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            Digest = image.ManifestDigest,
        });
    }

    private async Task StoreLayersAsync(OciImage image, List<string> ids, Action<string> report)
    {
        foreach (var (layer, index) in image.Layers.Select((l, i) => (l, i)))
        {
            var id = layer.DiffId.StartsWith("sha256:", StringComparison.Ordinal) ? layer.DiffId[7..] : layer.DiffId;
            if (!LayerStore.IsId(id)) throw new RuntimeException("invalid_archive", $"layer {index + 1} has an unusable diff_id '{layer.DiffId}'");
            var title = $"layer {index + 1}/{image.Layers.Count} {id[..12]}";
            if (Layers.Exists(id))
            {
                report($"{title}: already here");
                ids.Add(id);
                continue;
            }
            ids.Add(await Layers.EnsureAsync($"oci:{id}", title, tree => Task.Run(() =>
            {
                using var stream = layer.OpenUncompressed();
                LayerExtractor.Extract(stream, tree, CancellationToken.None);
            }), report, fixedId: id));
        }
    }


    private async Task<ImageRecord> SaveAsync(ImageRecord record)
    {
        System.IO.Directory.CreateDirectory(RefsDir);
        await LayerStore.WriteAtomicAsync(RefPath(record.Name), JsonSerializer.Serialize(record, LayerStore.Json));
        return record;
    }

    /// <summary>The build key of a recipe's layer on top of <paramref name="parentIds"/> (bottom first).</summary>
    public static string StepKey(IReadOnlyList<string> parentIds, ILayerRecipe recipe) => $"step:{string.Join(',', parentIds)}:{recipe.Fingerprint}";

    /// <summary>
    /// What crashed operations left: scratch layers (see <see cref="LayerStore.SweepLeftovers"/>)
    /// and import or pull work folders, those once they are old enough that no live operation of
    /// another process sharing the folder can own them.
    /// </summary>
    public void SweepLeftovers()
    {
        Layers.SweepLeftovers();
        if (!System.IO.Directory.Exists(Directory)) return;
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Directory, ".*"))
        {
            var name = Path.GetFileName(dir);
            if (!name.StartsWith(".import-", StringComparison.Ordinal) && !name.StartsWith(".pull-", StringComparison.Ordinal)) continue;
            if (System.IO.Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow.AddHours(-6)) continue;
            try { System.IO.Directory.Delete(dir, recursive: true); }
            catch (IOException) { } // another process finished with it meanwhile
        }
    }

    /// <summary>True for <c>host[:port]/path...</c>: the part before the first '/' names a host (Docker's rule).</summary>
    public static bool NamesRegistry(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) return false;
        var host = name[..slash];
        return host.Contains('.', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) || host == "localhost";
    }

    private long SizeOf(IEnumerable<string> ids) => ids.Sum(id => Layers.Find(id)?.SizeBytes ?? 0);

    private string RefPath(string name) =>
        Path.Combine(RefsDir, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name))) + ".json");

    /// <summary>The image name stored inside a record file (file names are hashes, since names hold '/' and ':').</summary>
    private static string NameIn(string path)
    {
        try { return JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("name").GetString() ?? ""; }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or IOException) { return ""; }
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "image {Name} [{Seconds:0.0}s]: {Step}")]
    private partial void LogStep(string name, double seconds, string step);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "image {Name}: ready, {Size} in {Layers} layers, {Seconds:0.0} s")]
    private partial void LogReady(string name, string size, int layers, double seconds);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "image {Name}: failed")]
    private partial void LogFailed(Exception exception, string name);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "pruned layer {Id} ({Title})")]
    private partial void LogPruned(string id, string title);
}
