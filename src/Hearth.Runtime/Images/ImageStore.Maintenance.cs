using Microsoft.Extensions.Logging;

namespace Hearth.Runtime.Images;

/// <summary>Keeping the store tidy: removing, pruning, adopting trees from before layers, sweeping leftovers.</summary>
internal sealed partial class ImageStore
{
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

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "pruned layer {Id} ({Title})")]
    private partial void LogPruned(string id, string title);
}
