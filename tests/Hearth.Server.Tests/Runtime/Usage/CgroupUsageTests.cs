using Hearth.Runtime.Cgroups;

namespace Hearth.Server.Tests.Runtime.Usage;

/// <summary>CPU time and memory of a workspace's cgroup, read from the files each hierarchy has (a fake mount root).</summary>
public sealed class CgroupUsageTests : IDisposable
{
    private const string Id = "ws_abc";
    private readonly TempDirectory root = new();

    [Fact]
    public void V1_reads_cpuacct_usage_and_memory_without_droppable_cache()
    {
        root.Write($"cpuacct/hearth/{Id}/cpuacct.usage", "123456789\n");
        root.Write($"memory/hearth/{Id}/memory.usage_in_bytes", "500000000\n");
        root.Write($"memory/hearth/{Id}/memory.limit_in_bytes", "536870912\n");
        root.Write($"memory/hearth/{Id}/memory.stat", "cache 1\nrss 2\nshmem 3\ntotal_cache 300000000\ntotal_rss 150000000\ntotal_shmem 50000000\n");
        var cgroups = new Cgroups("hearth", root.Path);

        Assert.False(cgroups.IsUnified);
        Assert.Equal(123456789, cgroups.CpuTimeNanoseconds(Id));
        // 500 MB charged, 300 MB of it cache, of which 50 MB are tmpfs/shm pages that cannot be dropped.
        Assert.Equal(new CgroupMemory(250_000_000, 536870912), cgroups.Memory(Id));
    }

    [Fact]
    public void V1_without_a_limit_reports_none()
    {
        root.Write($"memory/hearth/{Id}/memory.usage_in_bytes", "4096\n");
        root.Write($"memory/hearth/{Id}/memory.limit_in_bytes", "9223372036854771712\n");
        root.Write($"memory/hearth/{Id}/memory.stat", "total_cache 0\n");

        Assert.Equal(new CgroupMemory(4096, null), new Cgroups("hearth", root.Path).Memory(Id));
    }

    [Fact]
    public void V2_reads_cpu_stat_and_memory_current()
    {
        root.Write("cgroup.controllers", "cpu memory pids\n");
        root.Write($"hearth/{Id}/cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
        root.Write($"hearth/{Id}/memory.current", "10000\n");
        root.Write($"hearth/{Id}/memory.max", "max\n");
        root.Write($"hearth/{Id}/memory.stat", "anon 3000\nfile 7000\nshmem 1000\n");
        var cgroups = new Cgroups("hearth", root.Path);

        Assert.True(cgroups.IsUnified);
        Assert.Equal(2_500_000, cgroups.CpuTimeNanoseconds(Id));
        Assert.Equal(new CgroupMemory(4000, null), cgroups.Memory(Id));
    }

    [Fact]
    public void A_missing_cgroup_reads_as_nothing()
    {
        var cgroups = new Cgroups("hearth", root.Path);

        Assert.Null(cgroups.CpuTimeNanoseconds(Id));
        Assert.Null(cgroups.Memory(Id));
        Assert.Equal(0, cgroups.OomKills(Id));
    }

    public void Dispose() => root.Dispose();
}
