using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>What a workspace must not see or touch of the host: processes, devices, network, the agent.</summary>
public sealed class IsolationTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Only_the_workspace_processes_are_visible_and_init_is_pid_1()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);

        var ps = await Hearthd.ShAsync(id, "ls -d /proc/[0-9]* | wc -l; cat /proc/1/cmdline | tr '\\0' ' '").Within();

        var lines = ps.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(int.Parse(lines[0].Trim(), System.Globalization.CultureInfo.InvariantCulture), 1, 6);
        Assert.Contains("hearth-agent init", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_host_block_device_or_network_interface_is_visible()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);

        var devices = await Hearthd.ShAsync(id, "ls /dev").Within();
        var dev = devices.Stdout.Split((char[])['\n', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(dev, d => d.StartsWith("vd", StringComparison.Ordinal) || d.StartsWith("sd", StringComparison.Ordinal)
            || d.StartsWith("loop", StringComparison.Ordinal) || d.StartsWith("nvme", StringComparison.Ordinal) || d == "mem" || d == "kmsg");
        var mknod = await Hearthd.ShAsync(id, "mknod /tmp/disk b 8 0 && head -c 1 /tmp/disk").Within();
        Assert.NotEqual(0, mknod.ExitCode);

        // Its own loopback and its end of the veth pair (docs/design/network.md); none of the host's.
        var net = await Hearthd.ShAsync(id, "tail -n +3 /proc/net/dev | cut -d: -f1").Within();
        Assert.Equal(["eth0", "lo"], net.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order());
    }

    [Fact]
    public async Task The_agent_sys_and_cgroup_mounts_are_read_only_inside()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);

        foreach (var target in new[] { "/.hearth/bin/hearth-agent", "/.hearth/x", "/sys/kernel/x", "/sys/fs/cgroup/memory/memory.limit_in_bytes" })
        {
            var write = await Hearthd.ShAsync(id, $"echo 1 > {target}").Within();
            Assert.True(write.ExitCode != 0, $"writing {target} inside succeeded");
        }
        // The default 512 MB limit is still in place: the write above changed nothing.
        Assert.Equal((512L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), HostProbe.ReadCgroup("memory", id, "memory.limit_in_bytes"));
        Assert.True(File.Exists(Path.Combine(Hearthd.DataDir, "agent", "current", "bin", "hearth-agent")));
    }

    [Fact]
    public async Task The_hostname_is_the_workspace_slug()
    {
        var response = await Hearthd.PostAsync("/workspace", """{"image":"busybox","name":"My Box"}""").Within(Bounded.Create);
        var id = response.Workspace.GetProperty("id").GetString()!;
        var slug = response.Workspace.GetProperty("slug").GetString()!;
        Assert.Equal("my-box", slug);

        var hostname = await Hearthd.ExecAsync(id, "hostname").Within();
        Assert.True(slug == hostname.Stdout.Trim(), hostname.ToString());
    }
}
