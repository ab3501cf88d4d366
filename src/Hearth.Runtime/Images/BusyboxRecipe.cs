using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Images;

/// <summary>A few-MB image from Debian's statically linked busybox (package busybox-static).</summary>
internal sealed class BusyboxRecipe(IProcessRunner processes, string busyboxPath = "/bin/busybox") : IImageRecipe
{
    public string Name => "busybox";
    public string Label => "BusyBox";
    public string Category => "os";
    public string Description => "A minimal shell and core utilities in one static binary; starts in milliseconds.";
    public int MinimumMemoryMb => 128;

    public async Task<IReadOnlyList<string>> BuildAsync(string rootfs, Action<string> progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(busyboxPath))
            throw new RuntimeException("image_source_missing", $"{busyboxPath} is missing; install Debian's busybox-static");
        var version = await processes.RunCheckedAsync(new ProcessRequest(busyboxPath, ["--help"]), cancellationToken);
        // Debian's dynamic `busybox` would not run in an image without glibc.
        var ldd = await processes.RunAsync(new ProcessRequest("ldd", [busyboxPath]), cancellationToken);
        if (ldd.Succeeded && !ldd.StandardOutput.Contains("not a dynamic executable", StringComparison.Ordinal))
            throw new RuntimeException("image_source_missing", $"{busyboxPath} is not static; install busybox-static");

        progress("copying busybox");
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
        progress($"linked {count} applets");
        RootfsBasics.Ensure(rootfs);
        var firstLine = version.StandardOutput.Split('\n')[0]; // "BusyBox v1.35.0 (Debian 1:1.35.0-4+b3) multi-call binary."
        var versionText = firstLine.Split(' ').ElementAtOrDefault(1)?.TrimStart('v') ?? "unknown";
        return [$"busybox {versionText}"];
    }
}
