using Hearth.IntegrationTests.Infrastructure;
using Hearth.Protocol.Workloads;
using Hearth.Sdk;
using static Hearth.IntegrationTests.Workloads.WorkloadSdk;

namespace Hearth.IntegrationTests.Workloads;

/// <summary>
/// Workloads belong to the workspace's agent, not to hearthd: they keep their process and their
/// log across a killed and restarted hearthd, and come back with the workspace after a stop.
/// </summary>
public sealed class WorkloadSurvivalTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private const string Ticker = "i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.1; done";

    private static WorkloadSpec Spec(string name, string script, string policy = WorkloadRestartPolicy.Always) =>
        new() { Name = name, Cmd = ["sh", "-c", script], RestartPolicy = policy };

    [Fact]
    public async Task A_workload_keeps_its_pid_and_its_log_across_a_killed_and_restarted_hearthd()
    {
        var hearthd = fixture.Hearthd;
        var id = await hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        int? pid;
        using (var client = Client(hearthd))
        {
            var created = await client.Workspaces.Workloads.CreateAsync(id, Spec("ticker", Ticker)).Within();
            Assert.Equal("running", created.Status);
            pid = created.Pid;
            await Task.Delay(500);

            await hearthd.KillAsync().Within();
            await Task.Delay(1500); // hearthd is gone: the ticker goes on writing its log
            await hearthd.LaunchAsync().Within(Bounded.Daemon);
        }

        using var after = Client(hearthd);
        var info = await after.Workspaces.Workloads.GetAsync(id, "ticker").Within();
        Assert.Equal("running", info.Status);
        Assert.Equal(pid, info.Pid);
        Assert.Equal(0, info.RestartCount);
        var logs = await after.Workspaces.Workloads.LogsAsync(id, "ticker", tail: 10_000).Within();
        var ticks = Numbers(logs.Entries.Select(e => e.Line), "tick-");
        Assert.Equal(Enumerable.Range(0, ticks.Count).Select(i => (long)i), ticks); // none missing, none twice
        Assert.True(ticks.Count >= 15, $"only {ticks.Count} ticks in the 2 s of which hearthd was down 1.5 s");

        // Still flowing: a new stream from the history's cursor brings the next tick, and no other.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var next = -1L;
        await foreach (var line in after.Workspaces.Workloads.StreamLogsAsync(id, "ticker", since: logs.Cursor, cancellationToken: stop.Token))
        {
            if (line.Kind != WorkloadLogLineKind.Line || !line.Line.StartsWith("tick-", StringComparison.Ordinal)) continue;
            next = Numbers([line.Line], "tick-")[0];
            break;
        }

        Assert.Equal(ticks[^1] + 1, next);
        Assert.Equal(pid, (await after.Workspaces.Workloads.GetAsync(id, "ticker").Within()).Pid);
        await hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create);
    }

    [Fact]
    public async Task Workloads_come_back_with_the_workspace_as_their_policy_says()
    {
        var hearthd = fixture.Hearthd;
        var id = await hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        using var client = Client(hearthd);
        var workloads = client.Workspaces.Workloads;
        var ticker = await workloads.CreateAsync(id, Spec("ticker", Ticker, WorkloadRestartPolicy.OnFailure)).Within();
        await workloads.CreateAsync(id, Spec("kept-off", "sleep 4713", WorkloadRestartPolicy.UnlessStopped)).Within();
        await workloads.CreateAsync(id, Spec("always", "sleep 4714", WorkloadRestartPolicy.Always)).Within();
        await workloads.CreateAsync(id, Spec("manual", "sleep 4715") with { AutoStart = false }).Within();
        await workloads.StopAsync(id, "kept-off", TimeSpan.FromSeconds(2)).Within();
        await workloads.StopAsync(id, "always", TimeSpan.FromSeconds(2)).Within();
        await Task.Delay(300);
        var before = await workloads.LogsAsync(id, "ticker", tail: 10_000).Within();

        await RestartWorkspaceAsync(id);

        var again = await workloads.GetAsync(id, "ticker").Within();
        Assert.Equal("running", again.Status);
        Assert.NotEqual(ticker.Pid, again.Pid);
        Assert.Equal("stopped", (await workloads.GetAsync(id, "kept-off").Within()).Status);
        Assert.Equal("running", (await workloads.GetAsync(id, "always").Within()).Status);
        Assert.Equal("stopped", (await workloads.GetAsync(id, "manual").Within()).Status);

        // The log goes on where it was: the old lines, the stop, the new run's lines.
        await Task.Delay(300);
        var after = await workloads.LogsAsync(id, "ticker", tail: 10_000).Within();
        Assert.Equal(before.Entries[0].Cursor, after.Entries[0].Cursor);
        Assert.Contains(after.Entries, e => e.Stream == "system" && e.Line.StartsWith("stopped", StringComparison.Ordinal));
        Assert.True(after.Entries.Count(e => e.Line == "tick-0") == 2, "the ticker ran twice");
        await hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create);
    }

    [Fact]
    public async Task Lines_older_than_the_retention_are_gone_when_the_log_is_next_opened()
    {
        var hearthd = fixture.Hearthd;
        var id = await hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        using var client = Client(hearthd);
        var workloads = client.Workspaces.Workloads;
        var created = await workloads.CreateAsync(id, Spec("old", "echo from-before; sleep 4716", WorkloadRestartPolicy.OnFailure) with { LogRetentionHours = 1 }).Within();
        await Task.Delay(300);
        Assert.Contains((await workloads.LogsAsync(id, "old").Within()).Entries, e => e.Line == "from-before" && e.Cursor < 100);
        await workloads.StopAsync(id, "old", TimeSpan.FromSeconds(2)).Within();

        // Two hours pass for the log: its segments' times, on the workspace's disk, set from the host.
        foreach (var segment in Directory.GetFiles(HostProbe.InRootfs(hearthd, id, $"/var/log/hearth/workloads/{created.Id}"), "*.log"))
            File.SetLastWriteTimeUtc(segment, DateTime.UtcNow.AddHours(-2));
        await RestartWorkspaceAsync(id);
        Assert.Equal("stopped", (await workloads.GetAsync(id, "old").Within()).Status); // stopped by request: stays so

        var config = await workloads.LogConfigAsync(id, "old").Within();
        Assert.True(config.FirstCursor > 0, $"first cursor {config.FirstCursor}: nothing was dropped");
        Assert.Equal(0, config.StoredBytes);
        await workloads.StartAsync(id, "old").Within();
        await Task.Delay(300);
        var logs = await workloads.LogsAsync(id, "old", tail: 1000).Within();
        Assert.Equal(1, logs.Entries.Count(e => e.Line == "from-before"));
        Assert.True(logs.Entries.All(e => e.Cursor >= config.FirstCursor));
        await hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create);
    }

    private async Task RestartWorkspaceAsync(string id)
    {
        (await fixture.Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create)).EnsureStatus(System.Net.HttpStatusCode.OK);
        (await fixture.Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create)).EnsureStatus(System.Net.HttpStatusCode.OK);
    }
}
