namespace Hearth.Runtime.Cgroups;

/// <summary>
/// Reads a workspace's cgroups on either layout: cgroup v1 (one hierarchy per controller, the
/// hybrid layout of this project's hosts) or the unified v2 hierarchy.
/// </summary>
internal sealed partial class Cgroups(string parent, string mountRoot = "/sys/fs/cgroup")
{
    private static readonly string[] V1Controllers =
        ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "hugetlb", "net_cls", "net_prio", "perf_event", "systemd"];

    /// <summary>True when the host runs only the unified hierarchy.</summary>
    public bool IsUnified => File.Exists(Path.Combine(mountRoot, "cgroup.controllers"));

    /// <summary>Every cgroup directory that exists for the workspace.</summary>
    public IReadOnlyList<string> Directories(string id) => IsUnified
        ? Existing([Path.Combine(mountRoot, parent, id)])
        : Existing(V1Controllers.Select(c => Path.Combine(mountRoot, c, parent, id)));

    /// <summary>Processes the OOM killer ended in this cgroup (v1 memory.oom_control, v2 memory.events).</summary>
    public long OomKills(string id)
    {
        var file = IsUnified
            ? Path.Combine(mountRoot, parent, id, "memory.events")
            : Path.Combine(mountRoot, "memory", parent, id, "memory.oom_control");
        return ReadKeyed(file, "oom_kill") ?? 0;
    }

    /// <summary>
    /// The freezer's view: true once every task is frozen. On v1 a write of FROZEN may leave the
    /// cgroup in FREEZING while tasks are busy in the kernel; writing FROZEN again retries
    /// (Documentation/admin-guide/cgroup-v1/freezer-subsystem.rst), which this does.
    /// </summary>
    public bool IsFrozen(string id)
    {
        if (IsUnified)
            return ReadKeyed(Path.Combine(mountRoot, parent, id, "cgroup.events"), "frozen") == 1;
        var state = Path.Combine(mountRoot, "freezer", parent, id, "freezer.state");
        var text = File.Exists(state) ? File.ReadAllText(state).Trim() : "";
        if (text == "FREEZING") File.WriteAllText(state, "FROZEN");
        return text == "FROZEN";
    }

    /// <summary>True when cgroup v1 accounts swap, so memory+swap can be capped.</summary>
    public bool SwapAccounting => !IsUnified
        ? File.Exists(Path.Combine(mountRoot, "memory", "memory.memsw.limit_in_bytes"))
        : true;

    /// <summary>Removes cgroup directories left behind (empty ones only; rmdir(2) refuses others).</summary>
    public void RemoveLeftovers(string id)
    {
        foreach (var dir in Directories(id))
        {
            try { Directory.Delete(dir); }
            catch (IOException) { }
        }
    }

    private static List<string> Existing(IEnumerable<string> dirs) => dirs.Where(Directory.Exists).ToList();

    /// <summary>The value of <paramref name="key"/> in a "key value" file; null when either is missing (a cgroup may go at any moment).</summary>
    private static long? ReadKeyed(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], out var value))
                    return value;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
