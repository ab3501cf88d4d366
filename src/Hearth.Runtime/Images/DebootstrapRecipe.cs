using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Images;

/// <summary>A Debian release bootstrapped with debootstrap from the host's own apt mirror.</summary>
internal sealed class DebootstrapRecipe(
    IProcessRunner processes, string name, string label, string suite, string release, string? mirror,
    IReadOnlyList<string> include) : IImageRecipe
{
    public string Name => name;
    public string Label => label;
    public string Category => "os";
    public string Description => $"{label} (minbase) with {string.Join(", ", include)}.";
    public int MinimumMemoryMb => 128;

    public async Task<IReadOnlyList<string>> BuildAsync(string rootfs, Action<string> progress, CancellationToken cancellationToken)
    {
        var source = mirror ?? AptSources.FindDebianMirror()
            ?? throw new RuntimeException("image_source_missing", "no Debian mirror found in /etc/apt; set apt_mirror in Hearth's settings");
        progress($"debootstrap {suite} (minbase) from the host's apt mirror");
        List<string> args = ["--variant=minbase", "--merged-usr"];
        if (include.Count > 0) args.Add("--include=" + string.Join(',', include));
        args.AddRange([suite, rootfs, source]);
        await processes.RunCheckedAsync(new ProcessRequest("debootstrap", args)
        {
            Timeout = TimeSpan.FromMinutes(20),
            OnLine = line => { if (IsMilestone(line)) progress(line[3..]); },
        }, cancellationToken);

        // Keep the apt lists out of the image: they are large and stale the day after.
        foreach (var dir in new[] { "var/lib/apt/lists", "var/cache/apt/archives" })
        {
            var path = Path.Combine(rootfs, dir);
            if (!Directory.Exists(path)) continue;
            foreach (var file in Directory.EnumerateFiles(path).Where(f => !f.EndsWith("lock", StringComparison.Ordinal)))
                File.Delete(file);
        }
        RootfsBasics.Ensure(rootfs);
        var version = File.Exists(Path.Combine(rootfs, "etc/debian_version"))
            ? (await File.ReadAllTextAsync(Path.Combine(rootfs, "etc/debian_version"), cancellationToken)).Trim()
            : release;
        return [$"debian {version}", .. include];
    }

    /// <summary>debootstrap's stage lines ("I: Unpacking the base system..."), not one per package.</summary>
    private static bool IsMilestone(string line) =>
        line.StartsWith("I: ", StringComparison.Ordinal) &&
        (line.Contains("base system", StringComparison.Ordinal) || line.StartsWith("I: Retrieving Release", StringComparison.Ordinal)
         || line.StartsWith("I: Resolving", StringComparison.Ordinal) || line.StartsWith("I: Found", StringComparison.Ordinal)
         || line.StartsWith("I: Checking", StringComparison.Ordinal));
}
