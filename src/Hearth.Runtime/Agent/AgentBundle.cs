using System.Text.RegularExpressions;
using Hearth.Runtime.Interop;
using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Agent;

/// <summary>
/// Lays out the folder mounted read-only at <c>/.hearth</c> in every workspace: the agent binary
/// (and the host's ripgrep, if it has one) in <c>bin/</c> and, in <c>lib/</c>, the host's
/// dynamic loader and every library `ldd` lists for them. The container runs the agent through
/// that loader, so it starts in any image - glibc, musl or none at all - without copying
/// anything into the image.
/// </summary>
internal static partial class AgentBundle
{
    public static async Task PrepareAsync(string agentBinary, string currentLink, IProcessRunner processes,
        CancellationToken cancellationToken = default)
    {
        if (!File.Exists(agentBinary))
            throw new RuntimeException("agent_missing",
                $"the workspace agent {agentBinary} is missing; build it with scripts/publish.sh or set agent_path");
        var ldd = await processes.RunCheckedAsync(new ProcessRequest("ldd", [agentBinary]), cancellationToken);
        var libraries = LibraryPaths().Matches(ldd.StandardOutput).Select(m => m.Groups["path"].Value).Distinct().ToList();
        // ripgrep for the runtime API's content search, with its own libraries, when the host
        // has it (docs/design/runtime-watchers-search.md); the agent falls back without it.
        var ripgrep = FindOnPath("rg");
        if (ripgrep is not null)
        {
            // Optional: an rg that ldd cannot read (a static build: "not a dynamic executable")
            // cannot run through the bundle's loader, so it is left out rather than failing start-up.
            var rgLdd = await processes.RunAsync(new ProcessRequest("ldd", [ripgrep]), cancellationToken);
            if (rgLdd.Succeeded)
            {
                foreach (var library in LibraryPaths().Matches(rgLdd.StandardOutput).Select(m => m.Groups["path"].Value))
                    if (!libraries.Any(l => Path.GetFileName(l) == Path.GetFileName(library))) libraries.Add(library);
            }
            else
            {
                ripgrep = null;
            }
        }
        var loader = libraries.FirstOrDefault(l => Path.GetFileName(l).StartsWith("ld-linux", StringComparison.Ordinal))
            ?? throw new RuntimeException("agent_missing", $"ldd {agentBinary} names no dynamic loader");

        // Each distinct bundle gets its own folder, named by its content, and `current` points at
        // the newest. A running workspace's bind mount keeps the folder it was started with, so
        // upgrading hearthd never pulls files from under a live container.
        var hash = await ContentHashAsync([agentBinary, .. ripgrep is null ? [] : new[] { ripgrep }, .. libraries], cancellationToken);
        var root = Path.GetDirectoryName(currentLink)!;
        var target = Path.Combine(root, hash);
        if (!Directory.Exists(target))
        {
            var scratch = target + ".new";
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            Directory.CreateDirectory(Path.Combine(scratch, "bin"));
            Directory.CreateDirectory(Path.Combine(scratch, "lib"));
            File.Copy(agentBinary, Path.Combine(scratch, "bin", "hearth-agent"));
            if (ripgrep is not null) File.Copy(ripgrep, Path.Combine(scratch, "bin", "rg"));
            foreach (var library in libraries)
                File.Copy(library, Path.Combine(scratch, "lib", Path.GetFileName(library)), overwrite: true);
            if (Path.GetFileName(loader) != "ld-linux-x86-64.so.2")
                File.Copy(loader, Path.Combine(scratch, "lib", "ld-linux-x86-64.so.2"), overwrite: true);
            Directory.Move(scratch, target);
        }
        var link = currentLink + ".new";
        if (new FileInfo(link).LinkTarget is not null || File.Exists(link)) File.Delete(link);
        File.CreateSymbolicLink(link, hash);
        // rename(2) swaps the link atomically (File.Move refuses a link that points at a folder).
        if (Libc.Rename(link, currentLink) != 0)
            throw new RuntimeException("agent_missing", $"rename {link}: {Libc.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
    }

    /// <summary>The first executable <paramref name="name"/> in hearthd's PATH (symlinks resolved), or null.</summary>
    private static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = new FileInfo(Path.Combine(directory, name));
            if (!candidate.Exists) continue;
            var target = candidate.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate.FullName;
            if (File.Exists(target) && (File.GetUnixFileMode(target) & UnixFileMode.UserExecute) != 0) return target;
        }
        return null;
    }

    private static async Task<string> ContentHashAsync(IEnumerable<string> files, CancellationToken cancellationToken)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            hash.AppendData(await File.ReadAllBytesAsync(file, cancellationToken));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
    [GeneratedRegex(@"(?:=>\s*)?(?<path>/\S+)\s+\(0x", RegexOptions.Multiline)]
    private static partial Regex LibraryPaths();
}
