using Hearth.Testing;

namespace Hearth.IntegrationTests.Network;

/// <summary>
/// <c>tests/tools/nettool.c</c>, the listener and prober of these tests: compiled once per test
/// run (static, so it runs in any image and in the lab's namespaces alike) and copied into each
/// workspace through its root filesystem on the host.
/// </summary>
internal static class NetTool
{
    /// <summary>Where the tool sits inside a workspace (on the image's PATH).</summary>
    public const string InWorkspace = "/usr/local/bin/nettool";

    private static readonly Lazy<Task<string>> Built = new(BuildAsync);

    /// <summary>The host path of the compiled tool.</summary>
    public static Task<string> PathAsync() => Built.Value;

    /// <summary>Puts the tool into a running workspace: its rootfs is the overlay the container runs on.</summary>
    public static async Task InstallAsync(HearthdInstance hearthd, string workspaceId)
    {
        var target = Path.Combine(hearthd.DataDir, "workspaces", workspaceId, "rootfs", InWorkspace.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(await PathAsync(), target, overwrite: true);
        // Owned by the host's root, which the workspace's user namespace does not map: root inside
        // gets only the "other" bits.
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    private static async Task<string> BuildAsync()
    {
        var source = Path.Combine(RepositoryPaths.Root, "tests", "tools", "nettool.c");
        var dir = Path.Combine(RepositoryPaths.Root, "artifacts", "test-tools");
        Directory.CreateDirectory(dir);
        var output = Path.Combine(dir, "nettool");
        // Built aside and renamed: a run that is still using the old binary keeps it intact.
        var building = $"{output}.{Environment.ProcessId}";
        var gcc = await Command.RunAsync("gcc", ["-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", building, source], TimeSpan.FromMinutes(2));
        if (gcc.ExitCode != 0)
            throw new InvalidOperationException($"compiling {source} failed (gcc comes with scripts/setup-host.sh): {gcc}");
        File.Move(building, output, overwrite: true);
        return output;
    }
}
