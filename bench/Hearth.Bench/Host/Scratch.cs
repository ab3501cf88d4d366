using System.Collections.Concurrent;
using Hearth.Runtime;
using Hearth.Runtime.Interop;

namespace Hearth.Bench.Host;

/// <summary>
/// Everything the bench itself makes outside hearthd: one temp directory (rootfs copies,
/// bundles, disk images, mount points), one crun state dir, one cgroup parent, the crun
/// default cgroups of the bare baseline and the network namespaces of the network scenario
/// (<c>ip netns add hb&lt;pid&gt;-&lt;role&gt;</c>). Disposing removes all of it, whatever state a failed
/// run left, and says what it could not remove.
/// </summary>
internal sealed class Scratch : IAsyncDisposable
{
    private const string CgroupRoot = "/sys/fs/cgroup";
    private readonly ConcurrentBag<string> topLevelCgroups = [];
    private readonly ConcurrentBag<string> networkNamespaces = [];

    private Scratch(string root)
    {
        Root = root;
        CrunRoot = Path.Combine(root, "crun");
        CgroupParent = $"hearth-bench-{Environment.ProcessId}";
        Directory.CreateDirectory(CrunRoot);
    }

    public string Root { get; }
    /// <summary>crun --root of every baseline and breakdown container; never hearthd's.</summary>
    public string CrunRoot { get; }
    /// <summary>cgroupsPath parent of the containers whose config sets one.</summary>
    public string CgroupParent { get; }
    /// <summary>Container ids; unique to this process so that nothing collides with other users of crun.</summary>
    public string Prefix { get; } = $"hb{Environment.ProcessId}";

    public static Scratch Create() =>
        new(Path.Combine(Path.GetTempPath(), $"hearth-bench-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"));

    /// <summary>A container that uses crun's default cgroup, /&lt;id&gt; in every hierarchy.</summary>
    public void RememberDefaultCgroup(string id) => topLevelCgroups.Add(id);

    /// <summary>
    /// A new network namespace of the bench's, <c>/run/netns/hb&lt;pid&gt;-&lt;role&gt;</c>, with only
    /// <c>lo</c> (up); returns its path. Nothing in it has a route off the machine.
    /// </summary>
    public async Task<string> CreateNetworkNamespaceAsync(string role, CancellationToken cancellationToken = default)
    {
        var name = $"{Prefix}-{role}";
        await HostProcess.RunCheckedAsync("ip", ["netns", "add", name], cancellationToken);
        networkNamespaces.Add(name);
        await HostProcess.RunCheckedAsync("ip", ["-n", name, "link", "set", "lo", "up"], cancellationToken);
        return $"/run/netns/{name}";
    }

    public async ValueTask DisposeAsync()
    {
        var problems = new List<string>();
        // Deleting a namespace also removes its veths, nft tables and routes.
        foreach (var name in networkNamespaces)
        {
            var deleted = await HostProcess.RunAsync("ip", ["netns", "del", name]);
            if (!deleted.Succeeded) problems.Add($"ip netns del {name}: {deleted.StandardError.Trim()}");
        }
        var listing = await HostProcess.RunAsync("crun", ["--root", CrunRoot, "list", "-q"]);
        foreach (var id in listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var deleted = await HostProcess.RunAsync("crun", ["--root", CrunRoot, "delete", "--force", id]);
            if (!deleted.Succeeded) problems.Add($"crun delete {id}: {deleted.StandardError.Trim()}");
        }

        foreach (var mount in MountsUnder(Root))
        {
            try
            {
                try { MountSyscalls.Unmount(mount); }
                catch (RuntimeException) { MountSyscalls.Unmount(mount, detach: true); }
            }
            catch (RuntimeException e) { problems.Add(e.Message); }
        }

        // A directory that still holds a mount is left alone: deleting through it could reach
        // into the shared image rootfs.
        if (MountsUnder(Root).Count == 0)
        {
            try { Directory.Delete(Root, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { problems.Add($"rm {Root}: {e.Message}"); }
        }
        else problems.Add($"{Root} still holds mounts; left in place");

        foreach (var controller in Directory.EnumerateDirectories(CgroupRoot))
        {
            foreach (var name in topLevelCgroups.Append(CgroupParent).Distinct())
            {
                var dir = Path.Combine(controller, name);
                if (!Directory.Exists(dir)) continue;
                // cgroupfs removes a group with rmdir(2), children first; control files do not count.
                foreach (var child in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(dir))
                {
                    try { Directory.Delete(child); }
                    catch (IOException e) { problems.Add($"rmdir {child}: {e.Message}"); }
                }
            }
        }

        if (problems.Count > 0)
            Console.Error.WriteLine("bench cleanup could not remove:\n  " + string.Join("\n  ", problems));
    }

    /// <summary>Mount points at or below <paramref name="dir"/>, innermost (last mounted) first.</summary>
    private static List<string> MountsUnder(string dir) =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(m => m == dir || m.StartsWith(dir + "/", StringComparison.Ordinal)).Reverse().ToList();
}
