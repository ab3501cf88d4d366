using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workloads;

/// <summary>
/// The workspace's side of workloads: its own logs (<c>cmd</c>, <c>boot</c>) and log files,
/// <c>config.workloads</c> at create, delete-all, and the answers while it does not run.
/// </summary>
public sealed class WorkspaceWorkloadTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task The_cmd_and_boot_logs_can_be_read_listed_fetched_as_files_streamed_and_cleared()
    {
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","config":{"cmd":"echo hello-from-cmd; echo to-stderr >&2; sleep 100000"}}""").Within(Bounded.Create);
        var logs = $"/workspace/{id}/logs";
        var cmd = await WorkloadWait.LogsAsync(Hearthd, logs, e => WorkloadWait.Lines(e, "stderr").Contains("to-stderr"));
        Assert.Equal("cmd", cmd.GetProperty("source").GetString());
        Assert.Contains("hello-from-cmd", WorkloadWait.Lines(cmd.GetProperty("entries").EnumerateArray()));
        Assert.Contains("] stdout: hello-from-cmd\n", cmd.GetProperty("logs").GetString(), StringComparison.Ordinal);

        var tail = await Hearthd.GetAsync($"{logs}?source=cmd&tail_lines=1").Within();
        ApiAssert.Status(tail, HttpStatusCode.OK);
        Assert.Single(tail.Json.GetProperty("entries").EnumerateArray());

        var bad = await Hearthd.GetAsync($"{logs}?source=kernel").Within();
        ApiAssert.Error(bad, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(bad, "source");
        Assert.Contains("boot, cmd", ApiAssert.Message(bad), StringComparison.Ordinal);

        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/workloads", """{"name":"side","cmd":"echo side-line; sleep 1000"}""").Within(), HttpStatusCode.Created);
        await WorkloadWait.LogsAsync(Hearthd, $"/workspace/{id}/workloads/side/logs", e => WorkloadWait.Lines(e).Contains("side-line"));
        // The agent notes what happens to workloads in the boot log.
        var boot = await WorkloadWait.LogsAsync(Hearthd, $"{logs}?source=boot",
            e => e.Any(x => x.GetProperty("line").GetString()!.Contains("side", StringComparison.Ordinal)));
        Assert.Equal("boot", boot.GetProperty("source").GetString());
        Assert.All(boot.GetProperty("entries").EnumerateArray(), e => Assert.Equal("system", e.GetProperty("stream").GetString()));
        var list = await Hearthd.GetAsync($"{logs}/list").Within();
        ApiAssert.Status(list, HttpStatusCode.OK);
        var files = list.Json.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("size").GetInt64());
        Assert.Equal(["boot.log", "cmd.log", "workload-side.log"], files.Keys.Order(StringComparer.Ordinal));
        Assert.All(files.Values, size => Assert.True(size > 0));

        var file = await Hearthd.GetAsync($"{logs}/file/cmd.log").Within();
        ApiAssert.Status(file, HttpStatusCode.OK);
        Assert.Equal("cmd.log", file.Json.GetProperty("name").GetString());
        Assert.Contains("] stdout: hello-from-cmd\n", file.Json.GetProperty("content").GetString(), StringComparison.Ordinal);
        var workloadFile = await Hearthd.GetAsync($"{logs}/file/workload-side.log").Within();
        Assert.Contains("] stdout: side-line\n", workloadFile.Json.GetProperty("content").GetString(), StringComparison.Ordinal);
        ApiAssert.Error(await Hearthd.GetAsync($"{logs}/file/secrets.txt").Within(), HttpStatusCode.NotFound, "not_found");

        await using (var stream = await SseEventStream.OpenAsync(Hearthd, $"{logs}/stream/cmd?tail_lines=5"))
        {
            var events = await stream.WaitUntilAsync(e => e.Any(x => x.Line == "hello-from-cmd"), TimeSpan.FromSeconds(5), "the cmd line replayed");
            Assert.Contains(events, e => e.Line == "to-stderr" && e.Data.GetProperty("stream").GetString() == "stderr");
        }
        await using (var stream = await SseEventStream.OpenAsync(Hearthd, $"{logs}/stream/boot?tail_lines=1"))
            await stream.WaitUntilAsync(e => e.Count >= 1, TimeSpan.FromSeconds(5), "a boot line replayed");
        ApiAssert.NamesField(await Hearthd.GetAsync($"{logs}/stream/kernel").Within(), "source");

        var cleared = await Hearthd.DeleteAsync(logs).Within();
        ApiAssert.Status(cleared, HttpStatusCode.OK);
        var after = await Hearthd.GetAsync(logs).Within();
        Assert.DoesNotContain("hello-from-cmd", WorkloadWait.Lines(after.Json.GetProperty("entries").EnumerateArray()));
        var sideAfter = await Hearthd.GetAsync($"/workspace/{id}/workloads/side/logs").Within();
        Assert.DoesNotContain("side-line", WorkloadWait.Lines(sideAfter.Json.GetProperty("entries").EnumerateArray()));
    }

    [Fact]
    public async Task Config_workloads_are_created_with_the_workspace_and_come_back_after_a_restart()
    {
        var id = await Hearthd.CreateWorkspaceAsync("""
            {"image":"busybox","config":{"workloads":[
                {"name":"svc","command":"echo svc-up; sleep 100000","restart":"always"},
                {"name":"idle","cmd":["/bin/sleep","100000"],"auto_start":false}]}}
            """).Within(Bounded.Create);

        var list = await Hearthd.GetAsync($"/workspace/{id}/workloads").Within();
        ApiAssert.Status(list, HttpStatusCode.OK);
        var workloads = list.Json.GetProperty("workloads").EnumerateArray().ToDictionary(w => w.GetProperty("name").GetString()!);
        Assert.Equal(["idle", "svc"], workloads.Keys.Order(StringComparer.Ordinal));
        Assert.All(workloads.Values, w => Assert.Equal("config", w.GetProperty("origin").GetString()));
        Assert.Equal("stopped", workloads["idle"].GetProperty("status").GetString());
        await WorkloadWait.LogsAsync(Hearthd, $"/workspace/{id}/workloads/svc/logs", e => WorkloadWait.Lines(e).Contains("svc-up"));

        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/restart").Within(Bounded.Create), HttpStatusCode.OK);
        var svc = await WorkloadWait.StatusAsync(Hearthd, $"/workspace/{id}/workloads/svc", "running");
        Assert.Equal("config", svc.GetProperty("origin").GetString());
    }

    [Fact]
    public async Task Bad_config_workloads_are_400_naming_the_field_and_create_nothing()
    {
        var before = (await Hearthd.GetAsync("/workspace").Within()).Json.GetProperty("total").GetInt32();

        var response = await Hearthd.PostAsync("/workspace", """
            {"image":"busybox","config":{"workloads":[{"name":"a","cmd":["x"]},{"name":"a","cmd":["y"]},{"cmd":["z"],"restart":"sometimes"}]}}
            """).Within();

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(response, "config.workloads[1].name");
        ApiAssert.NamesField(response, "config.workloads[2].restart");
        Assert.Equal(before, (await Hearthd.GetAsync("/workspace").Within()).Json.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Delete_all_removes_every_workload_and_says_which()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        foreach (var name in new[] { "one", "two" })
            ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/workloads", $$"""{"name":"{{name}}","cmd":["/bin/sleep","1000"]}""").Within(), HttpStatusCode.Created);

        var deleted = await Hearthd.DeleteAsync($"/workspace/{id}/workloads?timeout=1").Within();

        ApiAssert.Status(deleted, HttpStatusCode.OK);
        Assert.Equal(2, deleted.Json.GetProperty("deleted").GetInt32());
        Assert.Equal(["one", "two"], deleted.Json.GetProperty("workloads").EnumerateArray().Select(w => w.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(0, (await Hearthd.GetAsync($"/workspace/{id}/workloads").Within()).Json.GetProperty("total").GetInt32());
        var ps = await Hearthd.ShAsync(id, "ps -o args | grep -c '^/bin/sleep 1000' || true").Within();
        Assert.Equal("0", ps.Stdout.Trim());
    }

    [Fact]
    public async Task A_workspace_that_does_not_run_answers_409_workspace_not_running()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create), HttpStatusCode.OK);

        foreach (var (method, path) in new[] { (HttpMethod.Get, "workloads"), (HttpMethod.Get, "workloads/x"), (HttpMethod.Get, "logs"), (HttpMethod.Get, "logs/list"), (HttpMethod.Get, "logs/stream/cmd") })
            ApiAssert.Error(await Hearthd.SendAsync(method, $"/workspace/{id}/{path}").Within(), HttpStatusCode.Conflict, "workspace_not_running");
        ApiAssert.Error(await Hearthd.PostAsync($"/workspace/{id}/workloads", """{"cmd":["/bin/true"]}""").Within(), HttpStatusCode.Conflict, "workspace_not_running");
    }

    [Fact]
    public async Task Log_and_stats_streams_end_when_the_workspace_stops()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/workloads", """{"name":"w","cmd":"while :; do echo x; sleep 0.5; done"}""").Within(), HttpStatusCode.Created);
        await using var logs = await SseEventStream.OpenAsync(Hearthd, $"/workspace/{id}/workloads/w/logs/stream");
        await using var stats = await SseEventStream.OpenAsync(Hearthd, $"/workspace/{id}/workloads/stats/stream?interval=1");
        await logs.WaitUntilAsync(e => e.Count >= 1, TimeSpan.FromSeconds(5), "a line");
        Assert.False(logs.Ended.IsCompleted);

        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create), HttpStatusCode.OK);

        await logs.Ended.Within(TimeSpan.FromSeconds(10));
        await stats.Ended.Within(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(logs.Received, e => e.Event == "error");
    }
}
