using System.Text.Json;
using Hearth.Agent.Tests.Infrastructure;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Workloads;
using static Hearth.Agent.Tests.Workloads.WorkloadOps;

namespace Hearth.Agent.Tests.Workloads;

/// <summary>What the agent finds on the disk at boot, and reads that a workspace could make awkward.</summary>
public sealed class WorkloadBootTests
{
    [Fact]
    public async Task Bad_definitions_on_the_disk_are_skipped_with_a_note_and_the_good_ones_start()
    {
        await using var container = await AgentContainer.StartAsync([], waitForSocket: true, rootfs =>
        {
            var definitions = Path.Combine(rootfs, "var/lib/hearth/workloads");
            Directory.CreateDirectory(definitions);
            File.WriteAllText(Path.Combine(definitions, "wl_empty.json"),
                """{"spec":{"id":"wl_empty","name":"empty","cmd":[]},"created_at":"2026-11-29T00:00:00Z","updated_at":"2026-11-29T00:00:00Z"}""");
            // Every field, as the agent writes them (a missing one reads as 0, false or null).
            const string Fields = "\"restart_policy\":\"on-failure\",\"max_restarts\":10,\"restart_delay\":1,\"restart_backoff\":true,\"auto_start\":true,\"enabled\":true,\"keep_logs\":true,\"max_log_size_mb\":10";
            File.WriteAllText(Path.Combine(definitions, "wl_huge.json"),
                $$"""{"spec":{"id":"wl_huge","name":"huge","cmd":["true"],{{Fields}},"log_retention_hours":1000000000},"created_at":"2026-11-29T00:00:00Z","updated_at":"2026-11-29T00:00:00Z"}""");
            File.WriteAllText(Path.Combine(definitions, "wl_junk.json"), "{ not json");
            File.WriteAllText(Path.Combine(definitions, "wl_good.json"),
                $$"""{"spec":{"id":"wl_good","name":"good","cmd":["sleep","4718"],{{Fields}}},"created_at":"2026-11-29T00:00:00Z","updated_at":"2026-11-29T00:00:00Z"}""");
        });
        await using var client = await container.ConnectAsync();
        await client.HelloAsync();

        var list = (await CallAsync(client, "workload.list", new WorkloadArgs())).Result!.Value.Deserialize(AgentWorkloadJsonContext.Default.WorkloadListResult)!;
        var boot = (await ReadLogAsync(client, new LogArgs { Source = LogSources.Boot, Tail = 100 })).Text;

        Assert.True(list.Workloads.Select(w => w.Name).SequenceEqual(["good"]), boot + container.Log);
        Assert.Equal("running", list.Workloads[0].Status);
        Assert.Contains("empty (wl_empty): not loaded: cmd", boot);
        Assert.Contains("huge (wl_huge): not loaded: log_retention_hours", boot);
        Assert.Contains("wl_junk.json", boot);
    }

    [Fact]
    public async Task A_cursor_from_another_log_reads_this_one_from_its_start_marked_cleared()
    {
        await using var container = await AgentContainer.StartAsync();
        await using var client = await container.ConnectAsync();
        await client.HelloAsync();
        await CreateAsync(client, new WorkloadSpec { Name = "fresh", Cmd = ["sh", "-c", "echo first; sleep 4719"] });
        await Task.Delay(300);

        var read = await client.StartOperationAsync("logs.read", JsonSerializer.SerializeToElement(
            new LogArgs { Workload = "fresh", Since = 1_000_000 }, AgentWorkloadJsonContext.Default.LogArgs));
        await read.WaitForEndAsync();

        var events = read.EventsSoFar().Where(e => e.Op == "event").Select(e => e.Result!.Value.GetProperty("type").GetString()).ToList();
        Assert.Equal(["start", "cleared"], events);
        Assert.Contains("o first\n", read.StdoutText);
    }

    [Fact]
    public async Task A_definition_too_large_for_a_frame_is_refused_naming_the_field()
    {
        await using var container = await AgentContainer.StartAsync();
        await using var client = await container.ConnectAsync();
        await client.HelloAsync();
        var env = Enumerable.Range(0, 2000).ToDictionary(i => $"K{i}", _ => new string('<', 20));

        var end = await CallAsync(client, "workload.create", new WorkloadArgs { Spec = new WorkloadSpec { Name = "big", Cmd = ["true"], Env = env } });

        Assert.Equal("bad_request", end.Error);
        Assert.StartsWith("env:", end.Message);
    }
}
