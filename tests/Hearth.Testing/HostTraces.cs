namespace Hearth.Testing;

/// <summary>
/// Everything a workspace can leave on the host, looked up the way an operator would:
/// mounts, loop devices, cgroups, crun state, files. An empty list means no trace.
/// </summary>
public static class HostTraces
{
    public static async Task<IReadOnlyList<string>> FindAsync(HearthdInstance hearthd, string workspaceId)
    {
        var traces = new List<string>();
        traces.AddRange(File.ReadAllLines("/proc/self/mountinfo").Where(l => l.Contains(workspaceId, StringComparison.Ordinal)).Select(l => "mount: " + l));
        foreach (var backing in Directory.EnumerateFiles("/sys/block", "backing_file", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3 }))
        {
            var file = SafeRead(backing);
            if (file.Contains(workspaceId, StringComparison.Ordinal)) traces.Add($"loop device: {backing} -> {file.Trim()}");
        }
        foreach (var controller in Directory.EnumerateDirectories("/sys/fs/cgroup"))
        {
            var dir = Path.Combine(controller, "hearth", workspaceId);
            if (Directory.Exists(dir)) traces.Add("cgroup: " + dir);
        }
        var crun = await Command.RunAsync("crun", ["--root", hearthd.CrunRoot, "list", "-q"]);
        if (crun.Stdout.Contains(workspaceId, StringComparison.Ordinal)) traces.Add("crun state: " + workspaceId);
        foreach (var path in new[] { Path.Combine(hearthd.DataDir, "workspaces", workspaceId), Path.Combine(hearthd.DataDir, "disks", workspaceId + ".ext4") })
            if (Directory.Exists(path) || File.Exists(path)) traces.Add("file: " + path);
        return traces;
    }

    /// <summary>The backing file of every attached loop device on the host.</summary>
    public static IReadOnlyList<string> LoopBackingFiles() =>
        Directory.EnumerateFiles("/sys/block", "backing_file", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3 })
            .Select(f => SafeRead(f).Trim()).Where(f => f.Length > 0).ToList();

    /// <summary>The cgroup directories of a workspace, in every controller hierarchy.</summary>
    public static IReadOnlyList<string> CgroupDirsOf(string workspaceId) =>
        Directory.EnumerateDirectories("/sys/fs/cgroup").Select(c => Path.Combine(c, "hearth", workspaceId)).Where(Directory.Exists).ToList();

    /// <summary>Every workspace id that has a cgroup under a <c>hearth/</c> parent (of any hearthd on the host).</summary>
    public static IReadOnlySet<string> CgroupWorkspaceIds() =>
        Directory.EnumerateDirectories("/sys/fs/cgroup").Select(c => Path.Combine(c, "hearth")).Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories).Select(Path.GetFileName).ToHashSet()!;

    /// <summary>Mount points below <paramref name="dir"/>, outermost first.</summary>
    public static IReadOnlyList<string> MountsUnder(string dir) =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(dir, StringComparison.Ordinal)).ToList();

    private static string SafeRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
    }
}
