using System.Security.Cryptography;
using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Images.Catalog;

/// <summary>A base layer of Debian's statically linked busybox (package busybox-static) and its applet links.</summary>
internal sealed class BusyboxLayer(string busyboxPath = "/bin/busybox", IProcessRunner? processes = null) : ILayerRecipe
{
    private const int Revision = 1; // bump when BuildAsync changes what it writes
    private readonly IProcessRunner processes = processes ?? new ProcessRunner();

    public string Title => "busybox (static)";

    /// <summary>The binary's own hash: a host upgrade of busybox-static is a new layer.</summary>
    public string Fingerprint => Fingerprints.Of("busybox", Revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
        File.Exists(busyboxPath) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(busyboxPath))) : "missing");

    public async Task BuildAsync(LayerBuildContext context, CancellationToken cancellationToken)
    {
        if (!File.Exists(busyboxPath))
            throw new RuntimeException("image_source_missing", $"{busyboxPath} is missing; install Debian's busybox-static");
        // Debian's dynamic `busybox` would not run in an image without glibc.
        var ldd = await processes.RunAsync(new ProcessRequest("ldd", [busyboxPath]), cancellationToken);
        if (ldd.Succeeded && !ldd.StandardOutput.Contains("not a dynamic executable", StringComparison.Ordinal))
            throw new RuntimeException("image_source_missing", $"{busyboxPath} is not static; install busybox-static");

        var rootfs = context.Tree;
        var bin = Path.Combine(rootfs, "bin");
        Directory.CreateDirectory(bin);
        File.Copy(busyboxPath, Path.Combine(bin, "busybox"));
        var applets = await processes.RunCheckedAsync(new ProcessRequest(busyboxPath, ["--list-full"]), cancellationToken);
        var count = 0;
        foreach (var applet in applets.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var link = Path.Combine(rootfs, applet);
            if (File.Exists(link) || applet == "bin/busybox") continue;
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, "/bin/busybox");
            count++;
        }
        RootfsBasics.Ensure(rootfs);
        context.Progress($"{count} applet links");
    }
}
