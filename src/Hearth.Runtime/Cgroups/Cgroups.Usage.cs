namespace Hearth.Runtime.Cgroups;

/// <summary>What a workspace's cgroup has used: CPU time and memory, on either hierarchy.</summary>
internal sealed partial class Cgroups
{
    /// <summary>
    /// The cgroup's cumulative CPU time in nanoseconds, or null when the cgroup is gone (v1
    /// <c>cpuacct.usage</c>; v2 <c>cpu.stat usage_usec</c>). The counter starts at 0 with the cgroup,
    /// so it restarts when the workspace does.
    /// </summary>
    public long? CpuTimeNanoseconds(string id)
    {
        if (IsUnified)
            return ReadKeyed(Path.Combine(mountRoot, parent, id, "cpu.stat"), "usage_usec") * 1000;
        // "cpuacct" is its own mount or a link to the joint "cpu,cpuacct" one: the path is the same.
        return ReadNumber(Path.Combine(mountRoot, "cpuacct", parent, id, "cpuacct.usage"));
    }

    /// <summary>
    /// Memory in use and the limit, or null when the cgroup is gone. In use is the cgroup's charge
    /// without the page cache the kernel can drop (v1 <c>total_cache</c>, v2 <c>file</c>), but with
    /// shared memory and tmpfs pages (<c>shmem</c>): those are counted as cache yet cannot be dropped
    /// without swap. The limit is null when the cgroup has none.
    /// </summary>
    public CgroupMemory? Memory(string id)
    {
        var dir = IsUnified ? Path.Combine(mountRoot, parent, id) : Path.Combine(mountRoot, "memory", parent, id);
        var stat = Path.Combine(dir, "memory.stat");
        var usage = ReadNumber(Path.Combine(dir, IsUnified ? "memory.current" : "memory.usage_in_bytes"));
        if (usage is null) return null;
        var cache = ReadKeyed(stat, IsUnified ? "file" : "total_cache") ?? 0;
        var shmem = ReadKeyed(stat, IsUnified ? "shmem" : "total_shmem") ?? 0;
        var limit = ReadNumber(Path.Combine(dir, IsUnified ? "memory.max" : "memory.limit_in_bytes"));
        // v1 writes "no limit" as PAGE_COUNTER_MAX pages (9223372036854771712), v2 as "max".
        if (limit >= long.MaxValue / 2) limit = null;
        return new CgroupMemory(Math.Max(0, usage.Value - cache + shmem), limit);
    }

    /// <summary>A file holding one number; null when it is missing or holds something else ("max").</summary>
    private static long? ReadNumber(string file)
    {
        try { return long.TryParse(File.ReadAllText(file).Trim(), out var value) ? value : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
