using System.Diagnostics;
using Hearth.Runtime.Images.Oci;

namespace Hearth.Runtime.Images;

/// <summary>Images from outside: imported archives and registry pulls, stored layer by layer.</summary>
internal sealed partial class ImageStore
{
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
}
