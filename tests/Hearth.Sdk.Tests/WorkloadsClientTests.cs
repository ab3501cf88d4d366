using System.Net;
using System.Text.Json;
using Hearth.Protocol.Workloads;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

/// <summary>Every call of <see cref="WorkloadsClient"/> but the log and stats streams: path, verb, query, body, answer, errors.</summary>
public sealed class WorkloadsClientTests
{
    private const string Ws = "ws_abc123";

    [Fact]
    public async Task Create_posts_the_spec_in_snake_case_and_returns_the_workload()
    {
        var handler = new FakeHandler(HttpStatusCode.Created, WorkloadSamples.Response());
        using var client = TestClients.Create(handler);

        var workload = await client.Workspaces.Workloads.CreateAsync(Ws, new WorkloadSpec
        {
            Name = "api",
            Cmd = ["node", "server.js"],
            Env = new Dictionary<string, string> { ["PORT"] = "8080" },
            WorkingDir = "/app",
            User = "node",
            RestartPolicy = WorkloadRestartPolicy.Always,
            MaxRestarts = 3,
            AutoStart = false,
        }).Within();

        var request = handler.Single;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/workspace/ws_abc123/workloads", request.PathAndQuery);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body!);
        var root = body.RootElement;
        Assert.Equal("api", root.GetProperty("name").GetString());
        Assert.Equal(["node", "server.js"], root.GetProperty("cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("8080", root.GetProperty("env").GetProperty("PORT").GetString());
        Assert.Equal("/app", root.GetProperty("working_dir").GetString());
        Assert.Equal("node", root.GetProperty("user").GetString());
        Assert.Equal("always", root.GetProperty("restart_policy").GetString());
        Assert.Equal(3, root.GetProperty("max_restarts").GetInt32());
        Assert.False(root.GetProperty("auto_start").GetBoolean());
        Assert.False(root.TryGetProperty("id", out _));

        Assert.Equal(("wl_abc1234567", "api", "running", 42), (workload.Id, workload.Name, workload.Status, workload.Pid));
        Assert.Equal(["node", "server.js"], workload.Cmd);
        Assert.Equal("/app", workload.WorkingDir);
        Assert.Equal(2, workload.RestartCount);
        Assert.Equal(12.5, workload.UptimeSeconds);
        Assert.Equal(DateTimeOffset.Parse("2026-11-29T18:00:02Z", System.Globalization.CultureInfo.InvariantCulture), workload.StartedAt);
    }

    [Fact]
    public async Task List_passes_states_and_name_and_reads_the_workloads()
    {
        var handler = new FakeHandler(HttpStatusCode.OK,
            $$"""{ "success": true, "workloads": [{{WorkloadSamples.Workload()}}, {{WorkloadSamples.Workload("wl_def", "worker", "failed", null)}}], "total": 2 }""");
        using var client = TestClients.Create(handler);

        var all = await client.Workspaces.Workloads.ListAsync(Ws).Within();
        var filtered = await client.Workspaces.Workloads.ListAsync(Ws, [WorkloadState.Running, WorkloadState.Failed], "my api").Within();

        Assert.Equal(["/workspace/ws_abc123/workloads", "/workspace/ws_abc123/workloads?states=running%2Cfailed&name=my%20api"],
            handler.Requests.Select(r => r.PathAndQuery));
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Get, r.Method));
        Assert.Equal(["api", "worker"], all.Select(w => w.Name));
        Assert.Null(all[1].Pid);
        Assert.Equal(2, filtered.Count);
    }

    [Fact]
    public async Task Get_start_and_status_address_the_workload_by_id_or_escaped_name()
    {
        var handler = new FakeHandler((request, _) => Task.FromResult(FakeHandler.Response(HttpStatusCode.OK,
            request.Uri.AbsolutePath.EndsWith("/status", StringComparison.Ordinal)
                ? $$"""{ "success": true, "status": "failed", "state": "failed", "pid": null, "exit_code": 127, "restart_count": 0, "error": "nope: not found", "workload": {{WorkloadSamples.Workload(status: "failed", pid: null)}} }"""
                : WorkloadSamples.Response())));
        using var client = TestClients.Create(handler);

        await client.Workspaces.Workloads.GetAsync(Ws, "wl_abc1234567").Within();
        await client.Workspaces.Workloads.StartAsync(Ws, "my api").Within();
        var status = await client.Workspaces.Workloads.StatusAsync(Ws, "api").Within();

        Assert.Equal(
            [(HttpMethod.Get, "/workspace/ws_abc123/workloads/wl_abc1234567"), (HttpMethod.Post, "/workspace/ws_abc123/workloads/my%20api/start"),
                (HttpMethod.Get, "/workspace/ws_abc123/workloads/api/status")],
            handler.Requests.Select(r => (r.Method, r.PathAndQuery)));
        Assert.Null(handler.Requests[1].Body);
        Assert.Equal(("failed", 127, "nope: not found"), (status.Status, status.ExitCode, status.Error));
        Assert.Equal("api", status.Workload.Name);
    }

    [Fact]
    public async Task Update_patches_only_the_set_fields()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WorkloadSamples.Response());
        using var client = TestClients.Create(handler);

        await client.Workspaces.Workloads.UpdateAsync(Ws, "api", new WorkloadPatch { MaxLogSizeMb = 50, RestartPolicy = "no" }).Within();

        var request = handler.Single;
        Assert.Equal(HttpMethod.Patch, request.Method);
        Assert.Equal("/workspace/ws_abc123/workloads/api", request.PathAndQuery);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal(["max_log_size_mb", "restart_policy"], body.RootElement.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Stop_and_delete_send_the_grace_in_whole_seconds_rounded_up()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WorkloadSamples.Response(WorkloadSamples.Workload(status: "stopped", pid: null)));
        using var client = TestClients.Create(handler);

        var stopped = await client.Workspaces.Workloads.StopAsync(Ws, "api").Within();
        await client.Workspaces.Workloads.StopAsync(Ws, "api", TimeSpan.FromMilliseconds(2500)).Within();
        var deleted = await client.Workspaces.Workloads.DeleteAsync(Ws, "api", TimeSpan.FromSeconds(3)).Within();
        await client.Workspaces.Workloads.DeleteAsync(Ws, "api").Within();

        Assert.Equal(
            [(HttpMethod.Post, "/workspace/ws_abc123/workloads/api/stop"), (HttpMethod.Post, "/workspace/ws_abc123/workloads/api/stop?timeout=3"),
                (HttpMethod.Delete, "/workspace/ws_abc123/workloads/api?timeout=3"), (HttpMethod.Delete, "/workspace/ws_abc123/workloads/api")],
            handler.Requests.Select(r => (r.Method, r.PathAndQuery)));
        Assert.Equal("stopped", stopped.Status);
        Assert.Equal("stopped", deleted.Status);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.Workspaces.Workloads.StopAsync(Ws, "api", TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public async Task A_stop_with_a_long_grace_may_outlive_the_clients_timeout_and_one_without_may_not()
    {
        // The server answers a stop once the workload has ended: here after 600 ms, longer than the client's 300 ms.
        var handler = new FakeHandler(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(600), ct);
            return FakeHandler.Response(HttpStatusCode.OK, WorkloadSamples.Response());
        });
        using var client = TestClients.Create(handler, timeout: TimeSpan.FromMilliseconds(300));

        var stopped = await client.Workspaces.Workloads.StopAsync(Ws, "api", TimeSpan.FromSeconds(1)).Within();
        var error = await Assert.ThrowsAsync<HearthApiException>(() => client.Workspaces.Workloads.StopAsync(Ws, "api").Within());

        Assert.Equal("api", stopped.Name);
        Assert.Equal(HearthApiException.TimeoutCode, error.Code);
    }

    [Fact]
    public async Task Delete_all_returns_the_deleted_workloads()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, $$"""{ "success": true, "deleted": 1, "workloads": [{{WorkloadSamples.Workload(status: "stopped")}}] }""");
        using var client = TestClients.Create(handler);

        var deleted = await client.Workspaces.Workloads.DeleteAllAsync(Ws).Within();

        Assert.Equal((HttpMethod.Delete, "/workspace/ws_abc123/workloads"), (handler.Single.Method, handler.Single.PathAndQuery));
        Assert.Equal("api", Assert.Single(deleted).Name);
    }

    [Fact]
    public async Task Logs_pass_tail_and_since_and_read_text_entries_and_cursor()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WorkloadSamples.Logs);
        using var client = TestClients.Create(handler);

        var logs = await client.Workspaces.Workloads.LogsAsync(Ws, "api", tail: 0).Within();
        await client.Workspaces.Workloads.LogsAsync(Ws, "api", since: 65).Within();
        await client.Workspaces.Workloads.LogsAsync(Ws, "api").Within();

        Assert.Equal(["/workspace/ws_abc123/workloads/api/logs?tail=0", "/workspace/ws_abc123/workloads/api/logs?since=65", "/workspace/ws_abc123/workloads/api/logs"],
            handler.Requests.Select(r => r.PathAndQuery));
        Assert.StartsWith("[2026-11-29T18:00:00.123Z] stdout: hello\n", logs.Logs, StringComparison.Ordinal);
        Assert.Equal([("stdout", "hello", 0L), ("stderr", "oops", 33L)], logs.Entries.Select(e => (e.Stream, e.Line, e.Cursor)));
        Assert.Equal(500, logs.Entries[1].Timestamp.Millisecond);
        Assert.Equal(65, logs.Cursor);
        Assert.Null(logs.Source);
    }

    [Fact]
    public async Task Clear_logs_returns_the_next_cursor_and_log_config_reads_the_limits()
    {
        var handler = FakeHandler.Routes(
            ("DELETE /workspace/ws_abc123/workloads/api/logs", HttpStatusCode.OK, """{ "success": true, "cleared": true, "cursor": 4096 }"""),
            ("GET /workspace/ws_abc123/workloads/api/logs/config", HttpStatusCode.OK, """
                { "success": true, "max_log_size_mb": 10, "log_retention_hours": 24, "stored_bytes": 2048, "dropped_lines": 3,
                  "first_cursor": 1024, "next_cursor": 4096, "path": "/var/log/hearth/workloads/wl_abc1234567" }
                """));
        using var client = TestClients.Create(handler);

        var cursor = await client.Workspaces.Workloads.ClearLogsAsync(Ws, "api").Within();
        var config = await client.Workspaces.Workloads.LogConfigAsync(Ws, "api").Within();

        Assert.Equal(4096, cursor);
        Assert.Equal((10, 24, 2048L, 3L, 1024L, 4096L), (config.MaxLogSizeMb, config.LogRetentionHours, config.StoredBytes, config.DroppedLines, config.FirstCursor, config.NextCursor));
        Assert.Equal("/var/log/hearth/workloads/wl_abc1234567", config.Path);
    }

    [Fact]
    public async Task Stats_reads_the_figures_of_one_workload()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, $$"""{ "success": true, "stats": {{WorkloadSamples.Stats()}} }""");
        using var client = TestClients.Create(handler);

        var stats = await client.Workspaces.Workloads.StatsAsync(Ws, "api").Within();

        Assert.Equal((HttpMethod.Get, "/workspace/ws_abc123/workloads/api/stats"), (handler.Single.Method, handler.Single.PathAndQuery));
        Assert.Equal(("wl_abc1234567", 12.5, 10485760L, 3, 1), (stats.Id, stats.CpuPercent, stats.RssBytes, stats.Processes, stats.RestartCount));
        Assert.Equal(10, stats.MemoryMb);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "workload_not_found", typeof(HearthNotFoundException))]
    [InlineData(HttpStatusCode.Conflict, "workload_exists", typeof(HearthConflictException))]
    [InlineData(HttpStatusCode.Conflict, "workspace_not_running", typeof(HearthConflictException))]
    [InlineData(HttpStatusCode.BadRequest, "validation_error", typeof(HearthValidationException))]
    public async Task Errors_map_to_the_typed_exception_with_the_servers_code(HttpStatusCode status, string code, Type expected)
    {
        using var client = TestClients.Create(new FakeHandler(status, WireSamples.Error(code, "refused")));

        var error = await Assert.ThrowsAnyAsync<HearthApiException>(() =>
            client.Workspaces.Workloads.CreateAsync(Ws, new WorkloadSpec { Name = "api", Cmd = ["true"] }).Within());

        Assert.IsType(expected, error);
        Assert.Equal((code, "refused"), (error.Code, error.Message));
    }

    [Fact]
    public async Task A_dot_segment_is_refused_before_any_call()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WorkloadSamples.Response());
        using var client = TestClients.Create(handler);

        await Assert.ThrowsAsync<ArgumentException>(() => client.Workspaces.Workloads.GetAsync(Ws, ".."));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Workspaces.Workloads.StartAsync(Ws, " "));
        Assert.Throws<ArgumentException>(() => client.Workspaces.Workloads.StreamLogsAsync(Ws, "."));
        Assert.Empty(handler.Requests);
    }
}
