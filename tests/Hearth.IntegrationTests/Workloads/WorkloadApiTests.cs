using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workloads;

/// <summary>
/// <c>/workspace/:id/workloads</c> over HTTP against the real agent: round trips, aliases, the
/// answers to bad input, names in place of ids, start/stop and status.
/// </summary>
public sealed class WorkloadApiTests(WorkloadWorkspaceFixture fixture) : IClassFixture<WorkloadWorkspaceFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;
    private string Workloads => fixture.Workloads;

    [Fact]
    public async Task Create_get_list_patch_and_delete_round_trip_by_id_and_by_name()
    {
        var created = await Hearthd.PostAsync(Workloads, """{"name":"round-trip","cmd":["/bin/sleep","1000"],"labels":{"tier":"web"}}""").Within();
        ApiAssert.Status(created, HttpStatusCode.Created);
        var workload = created.Json.GetProperty("workload");
        var id = workload.GetProperty("id").GetString()!;
        Assert.Matches("^wl_[a-z0-9]{10}$", id);
        Assert.Equal("round-trip", workload.GetProperty("name").GetString());
        Assert.Equal("api", workload.GetProperty("origin").GetString());
        Assert.Equal(["/bin/sleep", "1000"], workload.GetProperty("cmd").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["/bin/sleep", "1000"], workload.GetProperty("command").EnumerateArray().Select(a => a.GetString()));

        var running = await WorkloadWait.StatusAsync(Hearthd, $"{Workloads}/{id}", "running");
        Assert.True(running.GetProperty("pid").GetInt32() > 1, running.ToString());
        Assert.Equal(running.GetProperty("pid").GetInt32(), running.GetProperty("guest_pid").GetInt32());
        Assert.Equal("running", running.GetProperty("state").GetString());

        var byName = await Hearthd.GetAsync($"{Workloads}/round-trip").Within();
        ApiAssert.Status(byName, HttpStatusCode.OK);
        Assert.Equal(id, byName.Json.GetProperty("workload").GetProperty("id").GetString());

        var list = await Hearthd.GetAsync(Workloads).Within();
        ApiAssert.Status(list, HttpStatusCode.OK);
        Assert.Contains(id, list.Json.GetProperty("workloads").EnumerateArray().Select(w => w.GetProperty("id").GetString()));
        Assert.Equal(list.Json.GetProperty("workloads").GetArrayLength(), list.Json.GetProperty("total").GetInt32());
        Assert.Equal([id], Ids(await Hearthd.GetAsync($"{Workloads}?name=round-trip").Within()));
        Assert.Contains(id, Ids(await Hearthd.GetAsync($"{Workloads}?states=running,failed").Within()));
        Assert.DoesNotContain(id, Ids(await Hearthd.GetAsync($"{Workloads}?states=failed,exited").Within()));

        var patched = await Hearthd.SendAsync(HttpMethod.Patch, $"{Workloads}/round-trip", """{"restart":"always","max_restarts":3,"labels":{"tier":"api"}}""").Within();
        ApiAssert.Status(patched, HttpStatusCode.OK);
        Assert.Equal(("always", 3, "api"), (patched.Json.GetProperty("workload").GetProperty("restart_policy").GetString(),
            patched.Json.GetProperty("workload").GetProperty("max_restarts").GetInt32(),
            patched.Json.GetProperty("workload").GetProperty("labels").GetProperty("tier").GetString()));
        var put = await Hearthd.SendAsync(HttpMethod.Put, $"{Workloads}/{id}", """{"restart_delay":"500ms"}""").Within();
        ApiAssert.Status(put, HttpStatusCode.OK);
        Assert.Equal(0.5, put.Json.GetProperty("workload").GetProperty("restart_delay").GetDouble());
        Assert.Equal("always", put.Json.GetProperty("workload").GetProperty("restart_policy").GetString());

        var deleted = await Hearthd.DeleteAsync($"{Workloads}/round-trip?timeout=2").Within();
        ApiAssert.Status(deleted, HttpStatusCode.OK);
        Assert.Equal(id, deleted.Json.GetProperty("workload").GetProperty("id").GetString());
        ApiAssert.Error(await Hearthd.GetAsync($"{Workloads}/{id}").Within(), HttpStatusCode.NotFound, "workload_not_found");
        Assert.DoesNotContain(id, Ids(await Hearthd.GetAsync(Workloads).Within()));
    }

    [Fact]
    public async Task The_oblien_aliases_are_accepted()
    {
        var workload = await fixture.CreateAsync("""
            {"name":"aliases","command":"echo $GREETING; sleep 1000","env":["GREETING=hi there","B=x=y"],
             "restart":"unless-stopped","restart_delay":"2s","target":"default","vm_on_exit":""}
            """);

        Assert.Equal(["/bin/sh", "-c", "echo $GREETING; sleep 1000"], workload.GetProperty("cmd").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("hi there", workload.GetProperty("env").GetProperty("GREETING").GetString());
        Assert.Equal("x=y", workload.GetProperty("env").GetProperty("B").GetString());
        Assert.Equal("unless-stopped", workload.GetProperty("restart_policy").GetString());
        Assert.Equal(2, workload.GetProperty("restart_delay").GetDouble());
        var logs = await fixture.WaitForLogsAsync("aliases", e => WorkloadWait.Lines(e).Contains("hi there"));
        Assert.Contains("] stdout: hi there\n", logs.GetProperty("logs").GetString(), StringComparison.Ordinal);

        var pairs = await fixture.CreateAsync("""{"name":"alias-pairs","cmd":["/bin/sleep","1000"],"env":[{"key":"K","value":"v"}]}""");
        Assert.Equal("v", pairs.GetProperty("env").GetProperty("K").GetString());
    }

    [Fact]
    public async Task Bad_fields_are_400_naming_each_of_them_and_nothing_is_created()
    {
        var before = (await Hearthd.GetAsync(Workloads).Within()).Json.GetProperty("total").GetInt32();

        var response = await Hearthd.PostAsync(Workloads, """
            {"name":"bad input","cmd":[],"restart_policy":"sometimes","working_dir":"relative/dir","vm_on_exit":"pause",
             "target":"gpu","log_path":"/tmp/x.log","max_log_size_mb":0,"restart_delay":"forever"}
            """).Within();

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        foreach (var field in new[] { "name", "cmd", "restart_policy", "working_dir", "vm_on_exit", "target", "log_path", "max_log_size_mb", "restart_delay" })
            ApiAssert.NamesField(response, field);
        Assert.Contains("on-failure", ApiAssert.Message(response), StringComparison.Ordinal);
        Assert.Equal(before, (await Hearthd.GetAsync(Workloads).Within()).Json.GetProperty("total").GetInt32());

        ApiAssert.Error(await Hearthd.PostAsync(Workloads, """{"name":"no-cmd"}""").Within(), HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.Error(await Hearthd.PostAsync(Workloads, "[1]").Within(), HttpStatusCode.BadRequest, "invalid_json");
        ApiAssert.NamesField(await Hearthd.SendAsync(HttpMethod.Patch, $"{Workloads}/whatever", """{"restart":"sometimes"}""").Within(), "restart");
        ApiAssert.NamesField(await Hearthd.PostAsync($"{Workloads}/whatever/stop?timeout=301").Within(), "timeout");
        ApiAssert.NamesField(await Hearthd.GetAsync($"{Workloads}?states=sleeping").Within(), "states");
    }

    [Fact]
    public async Task A_taken_name_or_id_is_409_workload_exists()
    {
        var first = await fixture.CreateAsync("""{"name":"twin","cmd":["/bin/sleep","1000"]}""");

        ApiAssert.Error(await Hearthd.PostAsync(Workloads, """{"name":"twin","cmd":["/bin/true"]}""").Within(), HttpStatusCode.Conflict, "workload_exists");
        var id = first.GetProperty("id").GetString()!;
        ApiAssert.Error(await Hearthd.PostAsync(Workloads, $$"""{"name":"{{id}}","cmd":["/bin/true"]}""").Within(), HttpStatusCode.Conflict, "workload_exists");
        ApiAssert.Error(await Hearthd.PostAsync(Workloads, $$"""{"id":"{{id}}","name":"other-twin","cmd":["/bin/true"]}""").Within(), HttpStatusCode.Conflict, "workload_exists");
    }

    [Fact]
    public async Task An_unknown_workload_is_404_workload_not_found_everywhere()
    {
        var paths = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Get, "nope"), (HttpMethod.Patch, "nope"), (HttpMethod.Delete, "nope"), (HttpMethod.Post, "nope/start"),
            (HttpMethod.Post, "nope/stop"), (HttpMethod.Get, "nope/status"), (HttpMethod.Get, "nope/logs"), (HttpMethod.Delete, "nope/logs"),
            (HttpMethod.Get, "nope/logs/config"), (HttpMethod.Get, "nope/stats"), (HttpMethod.Get, "nope/logs/stream"), (HttpMethod.Get, "nope/stats/stream"),
        };
        foreach (var (method, path) in paths)
        {
            var response = await Hearthd.SendAsync(method, $"{Workloads}/{path}", method == HttpMethod.Patch ? "{}" : null).Within();
            ApiAssert.Error(response, HttpStatusCode.NotFound, "workload_not_found");
        }
        ApiAssert.Error(await Hearthd.GetAsync("/workspace/ws_doesnotexist/workloads").Within(), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Stop_waits_for_the_end_start_runs_it_again_and_status_reports_both()
    {
        var created = await fixture.CreateAsync("""{"name":"power","cmd":["/bin/sleep","1000"],"auto_start":false}""");
        Assert.Equal("stopped", created.GetProperty("status").GetString());

        var started = await Hearthd.PostAsync($"{Workloads}/power/start").Within();
        ApiAssert.Status(started, HttpStatusCode.OK);
        var pid = (await WorkloadWait.StatusAsync(Hearthd, $"{Workloads}/power", "running")).GetProperty("pid").GetInt32();
        Assert.Contains($"{pid}", (await Hearthd.ShAsync(fixture.WorkspaceId, "ps -o pid,args | grep 'sleep 1000'").Within()).Stdout, StringComparison.Ordinal);

        var status = await Hearthd.GetAsync($"{Workloads}/power/status").Within();
        ApiAssert.Status(status, HttpStatusCode.OK);
        Assert.Equal(("running", "running", pid), (status.Json.GetProperty("status").GetString(), status.Json.GetProperty("state").GetString(), status.Json.GetProperty("pid").GetInt32()));
        Assert.Equal("power", status.Json.GetProperty("workload").GetProperty("name").GetString());

        var stopped = await Hearthd.PostAsync($"{Workloads}/power/stop?timeout=1").Within();
        ApiAssert.Status(stopped, HttpStatusCode.OK);
        Assert.Equal("stopped", stopped.Json.GetProperty("workload").GetProperty("status").GetString());
        var alive = await Hearthd.ShAsync(fixture.WorkspaceId, $"kill -0 {pid} && echo alive || echo gone").Within();
        Assert.Equal("gone", alive.Stdout.Trim());

        var again = await Hearthd.PostAsync($"{Workloads}/power/start").Within();
        ApiAssert.Status(again, HttpStatusCode.OK);
        Assert.NotEqual(pid, (await WorkloadWait.StatusAsync(Hearthd, $"{Workloads}/power", "running")).GetProperty("pid").GetInt32());
    }

    [Fact]
    public async Task A_missing_program_makes_the_workload_failed_with_the_reason_not_a_500()
    {
        var response = await Hearthd.PostAsync(Workloads, """{"name":"missing-program","cmd":["/no/such/program"],"restart":"no"}""").Within();

        ApiAssert.Status(response, HttpStatusCode.Created);
        var failed = await WorkloadWait.StatusAsync(Hearthd, $"{Workloads}/missing-program", "failed");
        Assert.False(string.IsNullOrWhiteSpace(failed.GetProperty("error").GetString()), failed.ToString());
        var status = await Hearthd.GetAsync($"{Workloads}/missing-program/status").Within();
        Assert.Equal(failed.GetProperty("error").GetString(), status.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Stats_give_one_sample_and_the_streams_one_event_per_workload_per_interval()
    {
        var burner = await fixture.CreateAsync("""{"name":"stats-burner","cmd":"while :; do :; done"}""");
        try
        {
            await WorkloadWait.StatusAsync(Hearthd, $"{Workloads}/stats-burner", "running");

            var stats = await Hearthd.GetAsync($"{Workloads}/stats-burner/stats").Within();
            ApiAssert.Status(stats, HttpStatusCode.OK);
            var sample = stats.Json.GetProperty("stats");
            Assert.Equal(burner.GetProperty("id").GetString(), sample.GetProperty("id").GetString());
            Assert.Equal(sample.GetProperty("id").GetString(), sample.GetProperty("workload_id").GetString());
            Assert.True(sample.GetProperty("rss_bytes").GetInt64() > 0, sample.ToString());

            await using (var one = await SseEventStream.OpenAsync(Hearthd, $"{Workloads}/stats-burner/stats/stream?interval=1"))
            {
                var events = await one.WaitUntilAsync(e => e.Count >= 2, TimeSpan.FromSeconds(5), "two stats events");
                Assert.All(events, e => Assert.Equal("stats", e.Data.GetProperty("type").GetString()));
                Assert.All(events, e => Assert.Equal("stats-burner", e.Data.GetProperty("name").GetString()));
                // A busy loop: most of a core, whatever else the machine does.
                Assert.True(events[1].Data.GetProperty("cpu_percent").GetDouble() > 20, events[1].Data.ToString());
            }

            await using var all = await SseEventStream.OpenAsync(Hearthd, $"{Workloads}/stats/stream?interval=1");
            var ids = Ids(await Hearthd.GetAsync(Workloads).Within());
            var events2 = await all.WaitUntilAsync(e => ids.All(id => e.Any(x => x.Data.GetProperty("id").GetString() == id)),
                TimeSpan.FromSeconds(5), "an event for every workload");
            Assert.All(events2, e => Assert.Equal("stats", e.Data.GetProperty("type").GetString()));
        }
        finally
        {
            await Hearthd.DeleteAsync($"{Workloads}/stats-burner?timeout=0").Within();
        }

        foreach (var interval in new[] { "0", "61", "x" })
            ApiAssert.NamesField(await Hearthd.GetAsync($"{Workloads}/stats/stream?interval={interval}").Within(), "interval");
    }

    private static List<string> Ids(ApiResponse list) =>
        [.. list.Json.GetProperty("workloads").EnumerateArray().Select(w => w.GetProperty("id").GetString()!)];
}
