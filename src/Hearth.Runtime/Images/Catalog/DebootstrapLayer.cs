using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Images.Catalog;

/// <summary>
/// A Debian base layer: <c>debootstrap --variant=minbase --merged-usr</c> from the host's apt
/// mirror (<see cref="AptSources"/>, or the operator's), verified with the host's
/// debian-archive-keyring. Bookworm's debootstrap (1.0.128) has a trixie script and the
/// bookworm keyring (2023.3+deb12u2) carries the trixie release keys.
/// </summary>
internal sealed class DebootstrapLayer(string suite, IReadOnlyList<string> include, IProcessRunner? processes = null) : ILayerRecipe
{
    private const int Revision = 2; // bump when BuildAsync changes what it writes
    private readonly IProcessRunner processes = processes ?? new ProcessRunner();

    public string Suite => suite;
    public string Title => $"debootstrap {suite}";

    /// <summary>Suite and packages; the mirror is not part of it (every mirror serves the same archive).</summary>
    public string Fingerprint => Fingerprints.Of(["debootstrap", Revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "minbase", "merged-usr", suite, .. include.Order(StringComparer.Ordinal)]);

    public async Task BuildAsync(LayerBuildContext context, CancellationToken cancellationToken)
    {
        var mirror = context.AptMirror ?? AptSources.FindDebianMirror()
            ?? throw new RuntimeException("image_source_missing", "no Debian mirror found in /etc/apt; set apt_mirror in Hearth's settings");
        context.Progress($"minbase{(include.Count > 0 ? " + " + string.Join(' ', include) : "")} from the host's apt mirror");
        List<string> args = ["--variant=minbase", "--merged-usr"];
        if (include.Count > 0) args.Add("--include=" + string.Join(',', include));
        args.AddRange([suite, context.Tree, mirror]);
        // In a private mount namespace: the proc and sys debootstrap mounts inside the target vanish
        // with it even when a timeout kills it before its own cleanup; --kill-child takes the tree
        // down with unshare if hearthd dies.
        await processes.RunCheckedAsync(new ProcessRequest("unshare", ["--mount", "--propagation", "private", "--fork", "--kill-child", "--", "debootstrap", .. args])
        {
            Timeout = TimeSpan.FromMinutes(20),
            OnLine = line => { if (IsMilestone(line)) context.Progress(line[3..]); },
        }, cancellationToken);

        Clean(context.Tree);
        RootfsBasics.Ensure(context.Tree);
    }

    /// <summary>
    /// Drops what is stale the day after or belongs to the build host: apt lists and caches, logs,
    /// the host's resolv.conf and hostname that debootstrap copies in (each workspace gets its
    /// own), and the device nodes it makes in /dev. Layers above stay free of whiteouts for them because they are gone here already.
    /// </summary>
    internal static void Clean(string rootfs)
    {
        foreach (var dir in new[] { "var/lib/apt/lists", "var/cache/apt/archives", "var/cache/apt", "var/log" })
        {
            var path = Path.Combine(rootfs, dir);
            if (!Directory.Exists(path)) continue;
            var files = dir == "var/log"
                ? LayerTree.Walk(path).Where(e => !e.IsDirectory).Select(e => e.Path)
                : Directory.EnumerateFiles(path);
            foreach (var file in files.ToList())
                if (!file.EndsWith("lock", StringComparison.Ordinal)) File.Delete(file);
        }
        foreach (var file in new[] { "etc/resolv.conf", "etc/hostname" })
            File.Delete(Path.Combine(rootfs, file));
        // debootstrap's device nodes: every workspace and every build chroot mounts a /dev of its
        // own, and a layer holds no device but whiteouts (char 0/0).
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path.Combine(rootfs, "dev")))
        {
            if (Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
    }

    /// <summary>debootstrap's stage lines ("I: Unpacking the base system..."), not one per package.</summary>
    private static bool IsMilestone(string line) =>
        line.StartsWith("I: ", StringComparison.Ordinal) &&
        (line.Contains("base system", StringComparison.Ordinal) || line.StartsWith("I: Retrieving Release", StringComparison.Ordinal)
         || line.StartsWith("I: Resolving", StringComparison.Ordinal) || line.StartsWith("I: Found", StringComparison.Ordinal)
         || line.StartsWith("I: Valid Release", StringComparison.Ordinal));
}
