using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>The limits a create asks for, as the kernel enforces them and as the workspace sees them.</summary>
public sealed class LimitsTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private const string Sized = """{"image":"busybox","config":{"cpus":2,"memory_mb":256,"disk_size_mb":300}}""";
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Cgroup_cpu_memory_and_pids_limits_are_visible_inside()
    {
        var id = await Hearthd.CreateWorkspaceAsync(Sized).Within(Bounded.Create);

        var read = await Hearthd.ShAsync(id,
            "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us " +
            "/sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max").Within();

        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Equal(["200000", "100000", "268435456", "1024"], read.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // The same values on the host side, in the workspace's own cgroups.
        Assert.Equal("200000", HostProbe.ReadCgroup("cpu", id, "cpu.cfs_quota_us"));
        Assert.Equal("268435456", HostProbe.ReadCgroup("memory", id, "memory.limit_in_bytes"));
        Assert.Equal("1024", HostProbe.ReadCgroup("pids", id, "pids.max"));
    }

    [Fact]
    public async Task Df_inside_shows_the_requested_disk_size()
    {
        var id = await Hearthd.CreateWorkspaceAsync(Sized).Within(Bounded.Create);

        var (total, _) = await HostProbe.DfAsync(Hearthd, id);

        // ext4's journal and inode tables take a few percent of a 300 MB filesystem.
        Assert.InRange(total, 270, 310);
    }

    [Fact]
    public async Task Root_inside_is_an_unprivileged_uid_on_the_host_and_owns_its_files_as_that_uid()
    {
        var id = await Hearthd.CreateWorkspaceAsync(Sized).Within(Bounded.Create);

        var inside = await Hearthd.ShAsync(id, "id -u && echo data > /made-by-root && sync").Within();
        Assert.True(inside.ExitCode == 0, inside.ToString());
        Assert.Equal("0", inside.Stdout.Trim());

        var hostUid = HostProbe.HostUidOf(await HostProbe.InitPidAsync(Hearthd, id));
        Assert.True(hostUid >= Hearthd.UidBase, $"init of {id} runs as host uid {hostUid}");
        Assert.True((hostUid - Hearthd.UidBase) % 65536 == 0, $"host uid {hostUid} is not the start of a range above {Hearthd.UidBase}"); // uid 0 inside is the first uid of its range

        var onHost = Path.Combine(HostProbe.WorkspaceDir(Hearthd, id), "disk", "upper", "made-by-root");
        Assert.True(File.Exists(onHost), $"{onHost} is missing");
        Assert.Equal(hostUid, await HostProbe.OwnerUidAsync(onHost));
    }

    [Fact]
    public async Task Two_workspaces_run_as_different_host_uids()
    {
        var first = await Hearthd.CreateWorkspaceAsync(Sized).Within(Bounded.Create);
        var second = await Hearthd.CreateWorkspaceAsync(Sized).Within(Bounded.Create);

        var firstUid = HostProbe.HostUidOf(await HostProbe.InitPidAsync(Hearthd, first));
        var secondUid = HostProbe.HostUidOf(await HostProbe.InitPidAsync(Hearthd, second));

        Assert.True(firstUid >= Hearthd.UidBase && secondUid >= Hearthd.UidBase, $"{firstUid}, {secondUid}");
        // Different ranges, not merely different uids: the 65536-uid ranges must not overlap.
        Assert.True(Math.Abs(firstUid - secondUid) >= 65536, $"{first} runs as {firstUid}, {second} as {secondUid}");
    }
}
