using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;
using static Hearth.IntegrationTests.Metrics.StatsProbe;

namespace Hearth.IntegrationTests.Metrics;

/// <summary>
/// <c>GET /workspace/:id/stats</c> on real workspaces: each figure moves when the workspace really
/// uses the resource, and agrees with what the kernel says.
/// </summary>
public sealed class WorkspaceStatsTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    /// <summary>Longer than the 250 ms below which a CPU figure is the previous one again.</summary>
    private static readonly TimeSpan CpuWindow = TimeSpan.FromMilliseconds(600);

    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Cpu_rises_while_the_workspace_burns_a_core_and_falls_after()
    {
        using var workspace = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd, """{"image":"busybox","cpus":1}""");
        var idle = await StatsAsync(Hearthd, workspace.WorkspaceId);
        Assert.InRange(Cpu(idle), 0, 10);

        await workspace.ShAsync("(while :; do :; done) </dev/null >/dev/null 2>&1 & echo $! > /tmp/burn.pid");
        // One core of a one-core limit is 100; the bar is low because other work may share this host's two cores.
        var busy = await WaitForAsync(Hearthd, workspace.WorkspaceId, s => Cpu(s) >= 30, TimeSpan.FromSeconds(15), "cpuUsage >= 30 while burning");
        Assert.Equal(Cpu(busy), busy.GetProperty("cpu_usage").GetDouble());
        Assert.InRange(Cpu(busy), 30, 100);

        await workspace.ShAsync("kill $(cat /tmp/burn.pid)");
        await WaitForAsync(Hearthd, workspace.WorkspaceId, s => Cpu(s) < 10, TimeSpan.FromSeconds(15), "cpuUsage < 10 after the loop ended");
    }

    [Fact]
    public async Task A_paused_workspace_is_measured_keeps_its_memory_and_uses_no_cpu()
    {
        using var workspace = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd, """{"image":"busybox","cpus":1}""");
        await workspace.ShAsync("(while :; do :; done) </dev/null >/dev/null 2>&1 &");
        await WaitForAsync(Hearthd, workspace.WorkspaceId, s => Cpu(s) >= 30, TimeSpan.FromSeconds(15), "cpuUsage >= 30 while burning");

        (await Hearthd.PostAsync($"/workspace/{workspace.WorkspaceId}/pause").Within(Bounded.Create)).EnsureStatus(HttpStatusCode.OK);
        // The first figure after the pause still covers some of the loop; the one after it only the frozen time.
        await Task.Delay(CpuWindow);
        await StatsAsync(Hearthd, workspace.WorkspaceId);
        await Task.Delay(CpuWindow);
        var paused = await StatsAsync(Hearthd, workspace.WorkspaceId);

        Assert.Equal("paused", paused.GetProperty("status").GetString());
        Assert.Equal(0, Cpu(paused));
        Assert.True(MemoryUsed(paused) > 0, paused.ToString());
        Assert.True(paused.GetProperty("uptime").GetDouble() > 0, paused.ToString());
    }

    [Fact]
    public async Task Memory_rises_by_what_a_process_holds_and_falls_when_it_ends()
    {
        using var workspace = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd, """{"image":"busybox","memory_mb":512}""");
        var before = await StatsAsync(Hearthd, workspace.WorkspaceId);
        Assert.Equal(512 * MiB, before.GetProperty("guestMemoryTotal").GetInt64());
        Assert.Equal(512, before.GetProperty("memoryTotalMB").GetDouble());
        Assert.InRange(MemoryUsed(before), 1, 100 * MiB);

        // busybox tail keeps all of an input without newlines: 200 MB of anonymous memory, held while the pipe stays open.
        await workspace.ShAsync("((head -c 200000000 /dev/zero; sleep 300) | tail >/dev/null) </dev/null >/dev/null 2>&1 &");
        var holding = await WaitForAsync(Hearthd, workspace.WorkspaceId, s => MemoryUsed(s) >= MemoryUsed(before) + 180_000_000,
            TimeSpan.FromSeconds(30), "memory up by 180 MB");
        Assert.InRange(MemoryUsed(holding), MemoryUsed(before) + 180_000_000, MemoryUsed(before) + 260_000_000);
        Assert.Equal(Math.Round(MemoryUsed(holding) * 100.0 / (512 * MiB), 2), holding.GetProperty("memoryUsage").GetDouble(), 1);
        Assert.Equal(Math.Round(MemoryUsed(holding) / (double)MiB, 1), holding.GetProperty("memoryUsedMB").GetDouble(), 1);

        await workspace.ShAsync("kill $(pidof tail)");
        await WaitForAsync(Hearthd, workspace.WorkspaceId, s => MemoryUsed(s) < MemoryUsed(before) + 50_000_000,
            TimeSpan.FromSeconds(15), "memory back down after the holder ended");
    }

    [Fact]
    public async Task Disk_used_rises_by_a_50_MB_file_and_a_stopped_workspace_keeps_its_disk_figures()
    {
        using var workspace = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd, """{"image":"busybox","disk_size_mb":1024}""");
        var id = workspace.WorkspaceId;
        var before = await StatsAsync(Hearthd, id);
        // The ext4's size without its metadata (inode tables, journal), as df shows it.
        Assert.InRange(before.GetProperty("guestDiskTotal").GetInt64(), 900 * MiB, 1024 * MiB);

        await workspace.ShAsync("dd if=/dev/zero of=/root/fifty bs=1M count=50 2>/dev/null && sync");
        var after = await StatsAsync(Hearthd, id);
        Assert.InRange(DiskUsed(after) - DiskUsed(before), 50 * MiB, 52 * MiB);
        Assert.Equal(before.GetProperty("guestDiskTotal").GetInt64(), after.GetProperty("guestDiskTotal").GetInt64());
        Assert.Equal(Math.Round(DiskUsed(after) * 100.0 / after.GetProperty("guestDiskTotal").GetInt64(), 2), after.GetProperty("disk_usage").GetDouble(), 1);

        (await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create)).EnsureStatus(HttpStatusCode.OK);
        var stopped = await StatsAsync(Hearthd, id);
        Assert.Equal("stopped", stopped.GetProperty("status").GetString());
        foreach (var zero in new[] { "cpuUsage", "memoryUsage", "memoryUsedMB", "guestMemoryUsed", "networkInBytes", "networkOutBytes", "uptime" })
            Assert.True(stopped.GetProperty(zero).GetDouble() == 0, $"{zero} of a stopped workspace: {stopped}");
        Assert.Equal("0 B", stopped.GetProperty("networkIn").GetString());
        // Read from the unmounted disk's superblock: what statfs said before the stop.
        Assert.Equal(after.GetProperty("guestDiskTotal").GetInt64(), stopped.GetProperty("guestDiskTotal").GetInt64());
        Assert.InRange(DiskUsed(stopped), DiskUsed(after) - MiB, DiskUsed(after) + MiB);
    }

    [Fact]
    public async Task Network_counters_rise_with_traffic_and_are_the_host_veth_counters_turned_round()
    {
        using var workspace = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var id = workspace.WorkspaceId;
        var before = await StatsAsync(Hearthd, id);
        var gateway = (await workspace.ShAsync("sed -n 's/^nameserver //p' /etc/resolv.conf")).Trim();

        // Echo requests to the gateway; the host refuses them, with an ICMP error back each time.
        await workspace.ShAsync($"ping -c 10 -s 1400 -W 1 {gateway} >/dev/null 2>&1; true");
        var veth = "hw-" + (id[3..].Length <= 12 ? id[3..] : id[^12..]);
        var hostRxBefore = await HostCounterAsync(veth, "rx_bytes");
        var hostTxBefore = await HostCounterAsync(veth, "tx_bytes");
        var after = await StatsAsync(Hearthd, id);
        var hostRxAfter = await HostCounterAsync(veth, "rx_bytes");
        var hostTxAfter = await HostCounterAsync(veth, "tx_bytes");

        Assert.True(NetworkOut(after) >= NetworkOut(before) + 10 * 1400, $"sent: {NetworkOut(before)} -> {NetworkOut(after)}");
        Assert.True(NetworkIn(after) > NetworkIn(before), $"received: {NetworkIn(before)} -> {NetworkIn(after)}");
        // What the workspace sent is what the host end received, and the reverse.
        Assert.InRange(NetworkOut(after), hostRxBefore, hostRxAfter);
        Assert.InRange(NetworkIn(after), hostTxBefore, hostTxAfter);
        Assert.Equal(NetworkOut(after), after.GetProperty("network").GetProperty("tx").GetInt64());
        Assert.Equal(NetworkIn(after), after.GetProperty("network").GetProperty("rx").GetInt64());
        Assert.EndsWith(" KB", after.GetProperty("networkOut").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_calls_count_the_runtime_gateway_requests_of_that_workspace()
    {
        using var workspace = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        using var other = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var before = (await StatsAsync(Hearthd, workspace.WorkspaceId)).GetProperty("apiCalls").GetInt64();

        for (var i = 0; i < 3; i++)
            (await workspace.GetAsync("/exec")).EnsureStatus(HttpStatusCode.OK);
        (await other.GetAsync("/exec")).EnsureStatus(HttpStatusCode.OK);

        Assert.Equal(before + 3, (await StatsAsync(Hearthd, workspace.WorkspaceId)).GetProperty("apiCalls").GetInt64());
    }

    [Fact]
    public async Task Status_uptime_and_timestamp_of_a_running_workspace_by_slug()
    {
        await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","slug":"stats-by-slug"}""").Within(Bounded.Create);
        await Task.Delay(1500);

        var stats = await StatsAsync(Hearthd, "stats-by-slug");

        Assert.Equal("running", stats.GetProperty("status").GetString());
        Assert.InRange(stats.GetProperty("uptime").GetDouble(), 1, 120);
        Assert.InRange(stats.GetProperty("timestamp").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(0, stats.GetProperty("apiCalls").GetInt64());
    }

    [Theory]
    [InlineData("stats")]
    [InlineData("stats/stream")]
    [InlineData("info")]
    [InlineData("config")]
    public async Task An_unknown_workspace_is_404(string endpoint)
    {
        ApiAssert.Error(await Hearthd.GetAsync($"/workspace/ws_nosuchthing/{endpoint}").Within(), HttpStatusCode.NotFound, "not_found");
    }

    private async Task<long> HostCounterAsync(string veth, string counter)
    {
        var result = (await Hearthd.InNetworkNamespaceAsync("cat", $"/sys/class/net/{veth}/statistics/{counter}").Within()).EnsureSuccess();
        return long.Parse(result.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
