using System.Net;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// The busybox image's root file system on disk, for the crun baselines and the by-hand
/// breakdowns: the tree of its one layer, <c>&lt;images&gt;/layers/&lt;id&gt;/tree</c> (the layer store
/// keeps no <c>&lt;images&gt;/busybox/rootfs</c> any more; an old one is adopted into a layer).
/// </summary>
internal static class BusyboxRootfs
{
    /// <summary>Asks hearthd for the image (built if it is not yet: <c>POST .../build</c>) and returns its layer's tree.</summary>
    public static async Task<string> ResolveAsync(HearthdInstance hearthd, string imagesDir, CancellationToken cancellationToken = default)
    {
        var image = await hearthd.SendAsync(HttpMethod.Get, "/workspace/images/busybox", null, cancellationToken);
        if (image.Status == HttpStatusCode.OK && image.Json.GetProperty("image").GetProperty("status").GetString() != "ready")
        {
            var build = await hearthd.SendAsync(HttpMethod.Post, "/workspace/images/busybox/build", null, cancellationToken);
            if (build.Status != HttpStatusCode.OK) throw new BenchException($"POST /workspace/images/busybox/build: HTTP {(int)build.Status}: {build.Body}");
            image = await hearthd.SendAsync(HttpMethod.Get, "/workspace/images/busybox", null, cancellationToken);
        }
        if (image.Status != HttpStatusCode.OK)
            throw new BenchException($"GET /workspace/images/busybox: HTTP {(int)image.Status}: {image.Body}");
        var layers = image.Json.GetProperty("image").GetProperty("layers").EnumerateArray().Select(l => l.GetString()!).ToList();
        if (layers.Count != 1)
            throw new BenchException($"the busybox image has {layers.Count} layers; the baselines copy and mount one tree");
        var tree = Path.Combine(imagesDir, "layers", layers[0], "tree");
        return Directory.Exists(tree) ? tree : throw new BenchException($"{tree} (busybox's layer) does not exist");
    }
}
