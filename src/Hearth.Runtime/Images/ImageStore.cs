using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Hearth.Runtime.Images;

/// <summary>
/// The local image cache: <c>&lt;dir&gt;/&lt;name&gt;/rootfs</c> plus <c>manifest.json</c>.
/// An image is built at most once at a time - in this process (one shared task per name) and
/// across processes sharing the folder (a file lock) - into a scratch folder that is renamed into
/// place only when complete, so a crash mid-build never leaves a half image that looks ready.
/// </summary>
internal sealed partial class ImageStore(string directory, IEnumerable<IImageRecipe> recipes, ILogger<ImageStore> logger)
{
    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly Dictionary<string, IImageRecipe> recipes = recipes.ToDictionary(r => r.Name);
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> builds = new();
    private readonly ConcurrentDictionary<string, string> failures = new();

    public string Directory { get; } = directory;

    public IReadOnlyCollection<IImageRecipe> Recipes => recipes.Values;

    public bool IsKnown(string name) => recipes.ContainsKey(name);

    public string RootfsOf(string name) => Path.Combine(Directory, name, "rootfs");

    public ImageState GetState(string name)
    {
        var recipe = recipes[name];
        var manifest = ReadManifest(name);
        if (manifest is not null) return new ImageState(recipe, ImageStatus.Ready, manifest, null);
        if (builds.TryGetValue(name, out var build) && build.IsValueCreated && !build.Value.IsCompleted)
            return new ImageState(recipe, ImageStatus.Building, null, null);
        return failures.TryGetValue(name, out var error)
            ? new ImageState(recipe, ImageStatus.Failed, null, error)
            : new ImageState(recipe, ImageStatus.Missing, null, null);
    }

    /// <summary>Returns the rootfs of <paramref name="name"/>, building it first if needed.</summary>
    public Task<string> EnsureAsync(string name, CancellationToken cancellationToken = default)
    {
        if (ReadManifest(name) is not null) return Task.FromResult(RootfsOf(name));
        var build = builds.GetOrAdd(name, n => new Lazy<Task<string>>(() => BuildAsync(n)));
        var task = build.Value;
        // A failed build may be retried by the next caller.
        task.ContinueWith(t => builds.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(name, build)),
            CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
        return task.WaitAsync(cancellationToken);
    }

    private async Task<string> BuildAsync(string name)
    {
        var recipe = recipes[name];
        System.IO.Directory.CreateDirectory(Directory);
        await using var fileLock = await AcquireLockAsync(Path.Combine(Directory, $".{name}.lock"));
        if (ReadManifest(name) is not null) return RootfsOf(name); // another process built it meanwhile

        var scratch = Path.Combine(Directory, $".build-{name}-{Guid.NewGuid():N}");
        var clock = Stopwatch.StartNew();
        try
        {
            LogBuildStarted(name);
            var rootfs = Path.Combine(scratch, "rootfs");
            System.IO.Directory.CreateDirectory(rootfs);
            var software = await recipe.BuildAsync(rootfs, step => LogBuildStep(name, step, clock.Elapsed.TotalSeconds), CancellationToken.None);
            var manifest = new ImageManifest
            {
                Name = name,
                BuiltAt = DateTimeOffset.UtcNow,
                SizeBytes = SizeOf(rootfs),
                Software = software,
                BuildSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            };
            await File.WriteAllTextAsync(Path.Combine(scratch, "manifest.json"), JsonSerializer.Serialize(manifest, ManifestJson));
            var final = Path.Combine(Directory, name);
            if (System.IO.Directory.Exists(final)) System.IO.Directory.Delete(final, recursive: true); // a half image without manifest
            System.IO.Directory.Move(scratch, final);
            failures.TryRemove(name, out _);
            LogBuilt(name, manifest.SizeBytes / 1024.0 / 1024.0, clock.Elapsed.TotalSeconds);
            return RootfsOf(name);
        }
        catch (Exception e)
        {
            failures[name] = e.Message;
            LogBuildFailed(e, name);
            throw new RuntimeException("image_build_failed", $"building image {name} failed: {e.Message}", e);
        }
        finally
        {
            if (System.IO.Directory.Exists(scratch)) System.IO.Directory.Delete(scratch, recursive: true);
        }
    }

    private ImageManifest? ReadManifest(string name)
    {
        var path = Path.Combine(Directory, name, "manifest.json");
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<ImageManifest>(File.ReadAllText(path), ManifestJson); }
        catch (JsonException) { return null; }
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) { await Task.Delay(200); }
        }
    }

    private static long SizeOf(string dir) =>
        new DirectoryInfo(dir).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => f.LinkTarget is null).Sum(f => f.Length);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "image {Name}: build started")]
    private partial void LogBuildStarted(string name);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "image {Name} [{Seconds:0.0}s]: {Step}")]
    private partial void LogBuildStep(string name, string step, double seconds);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "image {Name}: built, {SizeMb:0.0} MiB in {Seconds:0.0} s")]
    private partial void LogBuilt(string name, double sizeMb, double seconds);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "image {Name}: build failed")]
    private partial void LogBuildFailed(Exception exception, string name);
}
