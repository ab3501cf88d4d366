using System.Text.RegularExpressions;
using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Agent;

/// <summary>
/// Lays out the folder mounted read-only at <c>/.hearth</c> in every workspace: the agent binary
/// in <c>bin/</c> and, in <c>lib/</c>, the host's dynamic loader and every library `ldd` lists
/// for it. The container runs the agent through that loader, so it starts in any image -
/// glibc, musl or none at all - without copying anything into the image.
/// </summary>
internal static partial class AgentBundle
{
    public static async Task PrepareAsync(string agentBinary, string bundleDir, IProcessRunner processes,
        CancellationToken cancellationToken = default)
    {
        if (!File.Exists(agentBinary))
            throw new RuntimeException("agent_missing",
                $"the workspace agent {agentBinary} is missing; build it with scripts/publish.sh or set agent_path");
        var ldd = await processes.RunCheckedAsync(new ProcessRequest("ldd", [agentBinary]), cancellationToken);
        var libraries = LibraryPaths().Matches(ldd.StandardOutput).Select(m => m.Groups["path"].Value).Distinct().ToList();
        var loader = libraries.FirstOrDefault(l => Path.GetFileName(l).StartsWith("ld-linux", StringComparison.Ordinal))
            ?? throw new RuntimeException("agent_missing", $"ldd {agentBinary} names no dynamic loader");

        // Build next to the target and swap, so running workspaces keep a complete bundle.
        var scratch = bundleDir + ".new";
        if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        Directory.CreateDirectory(Path.Combine(scratch, "bin"));
        Directory.CreateDirectory(Path.Combine(scratch, "lib"));
        File.Copy(agentBinary, Path.Combine(scratch, "bin", "hearth-agent"));
        foreach (var library in libraries)
            File.Copy(library, Path.Combine(scratch, "lib", Path.GetFileName(library)), overwrite: true);
        if (Path.GetFileName(loader) != "ld-linux-x86-64.so.2")
            File.Copy(loader, Path.Combine(scratch, "lib", "ld-linux-x86-64.so.2"), overwrite: true);

        if (Directory.Exists(bundleDir) && SameContent(scratch, bundleDir))
        {
            Directory.Delete(scratch, recursive: true);
            return;
        }
        // Replacing files in place would change what running containers see through their bind
        // mount only for new opens; a fresh directory keeps old mounts on the old inode.
        var old = bundleDir + ".old";
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(bundleDir)) Directory.Move(bundleDir, old);
        Directory.Move(scratch, bundleDir);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    private static bool SameContent(string a, string b)
    {
        var filesA = Directory.GetFiles(a, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order().ToList();
        var filesB = Directory.GetFiles(b, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b, f)).Order().ToList();
        return filesA.SequenceEqual(filesB) &&
            filesA.All(f => File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))));
    }

    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
    [GeneratedRegex(@"(?:=>\s*)?(?<path>/\S+)\s+\(0x", RegexOptions.Multiline)]
    private static partial Regex LibraryPaths();
}
