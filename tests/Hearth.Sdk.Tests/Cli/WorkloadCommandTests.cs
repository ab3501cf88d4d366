using System.Net;
using System.Text.Json;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Cli;

/// <summary><c>hearth workload ...</c> over a fake control plane.</summary>
public sealed class WorkloadCommandTests
{
    private static readonly string Nl = Environment.NewLine;

    private static string List(params string[] workloads) =>
        $$"""{ "success": true, "workloads": [{{string.Join(",", workloads)}}], "total": {{workloads.Length}} }""";

    [Fact]
    public async Task Ls_prints_a_table_and_passes_its_filters()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, List(WorkloadSamples.Workload(), WorkloadSamples.Workload("wl_def4567890", "worker", "failed", null)));

        var run = await new CliHarness(handler).RunAsync("workload", "ls", "ws_abc123");
        var filtered = await new CliHarness(handler).RunAsync("wl", "ls", "ws_abc123", "--state", "running", "--state", "failed", "--name", "api");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["ID", "NAME", "STATUS", "PID", "RESTARTS", "UPTIME", "COMMAND"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["wl_abc1234567", "api", "running", "42", "2", "12s", "node", "server.js"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["wl_def4567890", "worker", "failed", "-", "2", "12s", "node", "server.js"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(0, filtered.ExitCode);
        Assert.Equal(["/workspace/ws_abc123/workloads", "/workspace/ws_abc123/workloads?states=running%2Cfailed&name=api"],
            handler.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task Ls_json_is_one_document_of_the_wire_record()
    {
        var run = await new CliHarness(new FakeHandler(HttpStatusCode.OK, List(WorkloadSamples.Workload()))).RunAsync("workload", "ls", "ws_abc123", "--json");

        Assert.Equal(0, run.ExitCode);
        using var document = JsonDocument.Parse(run.Out);
        Assert.Equal(1, document.RootElement.GetProperty("total").GetInt32());
        var workload = document.RootElement.GetProperty("workloads")[0];
        Assert.Equal("api", workload.GetProperty("name").GetString());
        Assert.Equal("running", workload.GetProperty("state").GetString());
        Assert.Equal("/app", workload.GetProperty("working_dir").GetString());
    }

    [Fact]
    public async Task Create_sends_every_option_and_prints_the_id()
    {
        var handler = new FakeHandler(HttpStatusCode.Created, WorkloadSamples.Response(WorkloadSamples.Workload(status: "stopped", pid: null)));

        var run = await new CliHarness(handler).RunAsync(
            "workload", "create", "ws_abc123", "api", "--env", "A=1", "-e", "B=x=y", "--workdir", "/app", "--user", "node",
            "--restart", "always", "--max-restarts", "0", "--no-start", "--", "sh", "-c", "node server.js --port 80");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Equal("wl_abc1234567" + Nl, run.Out);
        Assert.Equal((HttpMethod.Post, "/workspace/ws_abc123/workloads"), (handler.Single.Method, handler.Single.PathAndQuery));
        using var body = JsonDocument.Parse(handler.Single.Body!);
        var root = body.RootElement;
        Assert.Equal("api", root.GetProperty("name").GetString());
        Assert.Equal(["sh", "-c", "node server.js --port 80"], root.GetProperty("cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(("1", "x=y"), (root.GetProperty("env").GetProperty("A").GetString(), root.GetProperty("env").GetProperty("B").GetString()));
        Assert.Equal(("/app", "node", "always"), (root.GetProperty("working_dir").GetString(), root.GetProperty("user").GetString(), root.GetProperty("restart_policy").GetString()));
        Assert.Equal(0, root.GetProperty("max_restarts").GetInt32());
        Assert.False(root.GetProperty("auto_start").GetBoolean());
    }

    [Fact]
    public async Task Create_with_only_a_command_sends_the_defaults()
    {
        var handler = new FakeHandler(HttpStatusCode.Created, WorkloadSamples.Response());

        var run = await new CliHarness(handler).RunAsync("workload", "create", "ws_abc123", "api", "node", "server.js");

        Assert.Equal(0, run.ExitCode);
        using var body = JsonDocument.Parse(handler.Single.Body!);
        var root = body.RootElement;
        Assert.Equal("on-failure", root.GetProperty("restart_policy").GetString());
        Assert.Equal(10, root.GetProperty("max_restarts").GetInt32());
        Assert.True(root.GetProperty("auto_start").GetBoolean());
        Assert.False(root.TryGetProperty("env", out _));
        Assert.False(root.TryGetProperty("working_dir", out _));
    }

    [Fact]
    public async Task A_created_workload_that_failed_prints_its_id_and_the_reason_and_exits_1()
    {
        var failed = WorkloadSamples.Workload(status: "failed", pid: null)
            .Replace("\"error\": null", "\"error\": \"cannot run nope: no such file in PATH\"", StringComparison.Ordinal);
        var run = await new CliHarness(new FakeHandler(HttpStatusCode.Created, WorkloadSamples.Response(failed))).RunAsync("workload", "create", "ws_abc123", "api", "nope");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("wl_abc1234567" + Nl, run.Out);
        Assert.Equal("error: workload api was created but failed: cannot run nope: no such file in PATH" + Nl, run.Error);
    }

    [Fact]
    public async Task Get_prints_key_value_lines_with_env_names_but_not_values()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WorkloadSamples.Response());

        var run = await new CliHarness(handler).RunAsync("workload", "get", "ws_abc123", "api");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/workspace/ws_abc123/workloads/api", handler.Single.PathAndQuery);
        Assert.Contains("Status     running", run.Out, StringComparison.Ordinal);
        Assert.Contains("PID        42", run.Out, StringComparison.Ordinal);
        Assert.Contains("Command    node server.js", run.Out, StringComparison.Ordinal);
        Assert.Contains("Env        PORT" + Nl, run.Out, StringComparison.Ordinal);
        Assert.Contains("Restart    always, at most 10 in a row", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("8080", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Error", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_and_stop_post_and_print_the_new_status()
    {
        var handler = new FakeHandler((request, _) => Task.FromResult(FakeHandler.Response(HttpStatusCode.OK, WorkloadSamples.Response(
            request.Uri.AbsolutePath.EndsWith("/stop", StringComparison.Ordinal) ? WorkloadSamples.Workload(status: "stopped", pid: null) : null))));

        var start = await new CliHarness(handler).RunAsync("workload", "start", "ws_abc123", "api");
        var stop = await new CliHarness(handler).RunAsync("workload", "stop", "ws_abc123", "api", "--timeout", "5");

        Assert.Equal((0, "api running" + Nl), (start.ExitCode, start.Out));
        Assert.Equal((0, "api stopped" + Nl), (stop.ExitCode, stop.Out));
        Assert.Equal([(HttpMethod.Post, "/workspace/ws_abc123/workloads/api/start"), (HttpMethod.Post, "/workspace/ws_abc123/workloads/api/stop?timeout=5")],
            handler.Requests.Select(r => (r.Method, r.PathAndQuery)));
    }

    [Fact]
    public async Task Rm_deletes_each_with_the_timeout_and_goes_on_past_a_failure()
    {
        var handler = FakeHandler.Routes(("DELETE /workspace/ws_abc123/workloads/b", HttpStatusCode.OK, WorkloadSamples.Response()));

        var run = await new CliHarness(handler).RunAsync("workload", "rm", "ws_abc123", "a", "b", "--timeout", "3");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["/workspace/ws_abc123/workloads/a?timeout=3", "/workspace/ws_abc123/workloads/b?timeout=3"], handler.Requests.Select(r => r.PathAndQuery));
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Delete, r.Method));
        Assert.Equal("b" + Nl, run.Out);
        Assert.Contains("(not_found)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_of_one_workload_and_of_every_workload()
    {
        var handler = new FakeHandler((request, _) => Task.FromResult(FakeHandler.Response(HttpStatusCode.OK, request.Uri.AbsolutePath switch
        {
            "/workspace/ws_abc123/workloads" => List(WorkloadSamples.Workload(), WorkloadSamples.Workload("wl_def4567890", "worker")),
            "/workspace/ws_abc123/workloads/wl_def4567890/stats" => $$"""{ "success": true, "stats": {{WorkloadSamples.Stats("wl_def4567890", "worker", 150)}} }""",
            _ => $$"""{ "success": true, "stats": {{WorkloadSamples.Stats()}} }""",
        })));

        var one = await new CliHarness(handler).RunAsync("workload", "stats", "ws_abc123", "api");
        var every = await new CliHarness(handler).RunAsync("workload", "stats", "ws_abc123");

        Assert.Equal(0, one.ExitCode);
        var lines = one.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "STATUS", "PID", "CPU", "MEMORY", "PROCS", "UPTIME", "RESTARTS"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["api", "running", "42", "12.5%", "10.0M", "3", "1m", "1"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(0, every.ExitCode);
        Assert.Equal(["api", "worker"], every.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ')[0]));
        Assert.Contains("150.0%", every.Out, StringComparison.Ordinal);
        Assert.Equal(
            ["/workspace/ws_abc123/workloads/api/stats", "/workspace/ws_abc123/workloads", "/workspace/ws_abc123/workloads/wl_abc1234567/stats",
                "/workspace/ws_abc123/workloads/wl_def4567890/stats"],
            handler.Requests.Select(r => r.PathAndQuery));
    }

    [Theory]
    [InlineData("workload", "create", "ws_abc123", "api")]
    [InlineData("workload", "create", "ws_abc123", "api", "--restart", "sometimes", "--", "true")]
    [InlineData("workload", "create", "ws_abc123", "api", "--max-restarts", "-1", "--", "true")]
    [InlineData("workload", "create", "ws_abc123", "api", "--env", "NOEQUALS", "--", "true")]
    [InlineData("workload", "ls", "ws_abc123", "--state", "sleeping")]
    [InlineData("workload", "stop", "ws_abc123", "api", "--timeout", "0")]
    [InlineData("workload", "start", "ws_abc123")]
    [InlineData("workload", "logs", "ws_abc123", "api", "--source", "boot")]
    public async Task Bad_command_lines_are_usage_errors_without_a_call(params string[] args)
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WorkloadSamples.Response());

        var run = await new CliHarness(handler).RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error:", run.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_workload_the_server_does_not_know_exits_1_with_its_code()
    {
        var handler = new FakeHandler(HttpStatusCode.NotFound, WireSamples.Error("workload_not_found", "no workload nope in ws_abc123"));

        var run = await new CliHarness(handler).RunAsync("workload", "get", "ws_abc123", "nope");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: no workload nope in ws_abc123 (workload_not_found)" + Nl, run.Error);
    }
}
