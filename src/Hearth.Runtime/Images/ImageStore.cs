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
        if (AliasProblem(aliases, this.catalog.Keys) is { } problem) throw new ArgumentException(problem);
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

    /// <summary>What is wrong with a set of aliases, or null: one may neither hide a catalogue image nor point at another alias.</summary>
    public static string? AliasProblem(IReadOnlyDictionary<string, string> aliases, IEnumerable<string> catalogue)
    {
        var names = catalogue.ToHashSet(StringComparer.Ordinal);
        foreach (var (alias, target) in aliases)
        {
            if (names.Contains(alias)) return $"image alias '{alias}' is a catalogue image; an alias cannot replace it";
            if (aliases.ContainsKey(target)) return $"image alias '{alias}' points at the alias '{target}'; name the image itself";
        }
        return null;
    }

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

    private async Task<ImageRecord> SaveAsync(ImageRecord record)
    {
        System.IO.Directory.CreateDirectory(RefsDir);
        await LayerStore.WriteAtomicAsync(RefPath(record.Name), JsonSerializer.Serialize(record, LayerStore.Json));
        return record;
    }

    /// <summary>The build key of a recipe's layer on top of <paramref name="parentIds"/> (bottom first).</summary>
    public static string StepKey(IReadOnlyList<string> parentIds, ILayerRecipe recipe) => $"step:{string.Join(',', parentIds)}:{recipe.Fingerprint}";

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

}
