using System.Net;
using System.Text.Json;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Cli;

public sealed class WorkspaceCommandTests
{
    [Fact]
    public async Task Ls_prints_a_table_with_human_sizes_and_ages()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.List(3, WireSamples.Workspace(), WireSamples.Workspace("ws_def456", "stopped", "b")));
        var run = await new CliHarness(handler).RunAsync("ws", "ls");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal(["ID", "NAME", "IMAGE", "STATUS", "CPUS", "MEMORY", "DISK", "CREATED"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["ws_abc123", "agent-1", "node-20", "running", "2", "2G", "10G", "5m", "ago"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(lines[0].IndexOf("STATUS", StringComparison.Ordinal), lines[2].IndexOf("stopped", StringComparison.Ordinal));
        Assert.Equal("page 1: 2 of 3 workspaces (--page, --limit)", lines[3]);
        Assert.Equal("/workspace", handler.Single.PathAndQuery);
        Assert.Equal("env-id", handler.Single.Header("X-Client-ID"));
        Assert.Equal("env-secret", handler.Single.Header("X-Client-Secret"));
    }

    [Fact]
    public async Task Ls_passes_its_filters()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.List(0));
        var run = await new CliHarness(handler).RunAsync("ws", "ls", "--status", "running", "--mode", "temporary", "--page", "2", "--limit", "5");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/workspace?page=2&limit=5&status=running&mode=temporary", handler.Single.PathAndQuery);
    }

    [Fact]
    public async Task Json_output_is_exactly_one_document_of_the_wire_record()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.List(1, WireSamples.Workspace()));
        var run = await new CliHarness(handler).RunAsync("ws", "ls", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        using var document = JsonDocument.Parse(run.Out);
        Assert.True(document.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal(1, document.RootElement.GetProperty("total").GetInt32());
        var workspace = document.RootElement.GetProperty("workspaces")[0];
        Assert.Equal("ws_abc123", workspace.GetProperty("id").GetString());
        Assert.Equal(2048, workspace.GetProperty("resources").GetProperty("memory_mb").GetInt32());
        Assert.Equal(7, workspace.GetProperty("config").GetProperty("future_field").GetInt32());
    }

    [Fact]
    public async Task Create_sends_every_option_and_prints_the_id()
    {
        var handler = new FakeHandler(HttpStatusCode.Created, WireSamples.WorkspaceResponse());
        var run = await new CliHarness(handler).RunAsync(
            "ws", "create", "--image", "node-20", "--name", "agent-1", "--cpus", "2", "--memory", "2048", "--disk", "10240",
            "--mode", "temporary", "--ttl", "30m", "--env", "A=1", "-e", "B=x=y", "--idempotency-key", "job-42",
            "--", "sh", "-c", "ls -la --color");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Equal("ws_abc123" + Environment.NewLine, run.Out);
        var request = handler.Single;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/workspace", request.PathAndQuery);
        using var body = JsonDocument.Parse(request.Body!);
        var root = body.RootElement;
        Assert.Equal("node-20", root.GetProperty("image").GetString());
        Assert.Equal("agent-1", root.GetProperty("name").GetString());
        Assert.Equal("temporary", root.GetProperty("mode").GetString());
        Assert.Equal("job-42", root.GetProperty("idempotency_key").GetString());
        var config = root.GetProperty("config");
        Assert.Equal(2, config.GetProperty("cpus").GetInt32());
        Assert.Equal(2048, config.GetProperty("memory_mb").GetInt32());
        Assert.Equal(10240, config.GetProperty("disk_size_mb").GetInt32());
        Assert.Equal("30m", config.GetProperty("ttl").GetString());
        Assert.Equal("1", config.GetProperty("env").GetProperty("A").GetString());
        Assert.Equal("x=y", config.GetProperty("env").GetProperty("B").GetString());
        Assert.Equal(["sh", "-c", "ls -la --color"], config.GetProperty("cmd").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Create_with_only_an_image_sends_no_config()
    {
        var handler = new FakeHandler(HttpStatusCode.Created, WireSamples.WorkspaceResponse());
        var run = await new CliHarness(handler).RunAsync("ws", "create", "--image", "node-20", "--json");

        Assert.Equal(0, run.ExitCode);
        using var body = JsonDocument.Parse(handler.Single.Body!);
        Assert.False(body.RootElement.TryGetProperty("config", out _));
        using var output = JsonDocument.Parse(run.Out);
        Assert.Equal("ws_abc123", output.RootElement.GetProperty("workspace").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Get_prints_key_value_lines()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.WorkspaceResponse());
        var run = await new CliHarness(handler).RunAsync("ws", "get", "ws_abc123");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/workspace/ws_abc123", handler.Single.PathAndQuery);
        Assert.Contains("ID         ws_abc123", run.Out, StringComparison.Ordinal);
        Assert.Contains("IP         10.88.0.2", run.Out, StringComparison.Ordinal);
        Assert.Contains("Memory     2G", run.Out, StringComparison.Ordinal);
        Assert.Contains("Command    sleep infinity", run.Out, StringComparison.Ordinal);
        Assert.Contains("Created    2025-06-01T12:00:00Z (5m ago)", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Reason", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("start", "running")]
    [InlineData("stop", "stopped")]
    [InlineData("restart", "running")]
    [InlineData("pause", "paused")]
    [InlineData("resume", "running")]
    public async Task Lifecycle_commands_post_and_print_the_new_status(string verb, string status)
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.WorkspaceResponse(status: status));
        var run = await new CliHarness(handler).RunAsync("ws", verb, "ws_abc123");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(HttpMethod.Post, handler.Single.Method);
        Assert.Equal($"/workspace/ws_abc123/{verb}", handler.Single.PathAndQuery);
        Assert.Equal($"ws_abc123 {status}{Environment.NewLine}", run.Out);
    }

    [Fact]
    public async Task Rm_goes_on_past_a_failure_and_then_fails()
    {
        var handler = FakeHandler.Routes(("DELETE /workspace/ws_b", HttpStatusCode.OK, WireSamples.Success));
        var run = await new CliHarness(handler).RunAsync("ws", "rm", "ws_a", "ws_b");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["/workspace/ws_a", "/workspace/ws_b"], handler.Requests.Select(r => r.PathAndQuery));
        Assert.Equal("ws_b" + Environment.NewLine, run.Out);
        Assert.Equal("error: Workspace not found (not_found)" + Environment.NewLine, run.Error);
    }

    [Fact]
    public async Task Rm_json_prints_one_success_document()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Success);
        var run = await new CliHarness(handler).RunAsync("ws", "rm", "ws_a", "ws_b", "--json");

        Assert.Equal(0, run.ExitCode);
        using var output = JsonDocument.Parse(run.Out);
        Assert.True(output.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal("deleted ws_a, ws_b", output.RootElement.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_api_error_goes_to_stderr_with_its_code_and_exit_code_1(bool json)
    {
        var handler = new FakeHandler(HttpStatusCode.NotFound, WireSamples.Error("not_found", "Workspace ws_x not found"));
        string[] args = json ? ["ws", "get", "ws_x", "--json"] : ["ws", "get", "ws_x"];
        var run = await new CliHarness(handler).RunAsync(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Equal("error: Workspace ws_x not found (not_found)" + Environment.NewLine, run.Error);
    }

    [Fact]
    public async Task Field_errors_and_available_images_are_listed()
    {
        var handler = new FakeHandler(HttpStatusCode.BadRequest, """
            { "success": false, "error": "invalid_image", "message": "Unknown image", "errors": [{ "field": "image", "message": "no such image" }], "available": ["node-20", "python-3.12"] }
            """);
        var run = await new CliHarness(handler).RunAsync("ws", "create", "--image", "nod");

        Assert.Equal(1, run.ExitCode);
        var nl = Environment.NewLine;
        Assert.Equal($"error: Unknown image (invalid_image){nl}  image: no such image{nl}  available: node-20, python-3.12{nl}", run.Error);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_as_a_network_error()
    {
        var handler = new FakeHandler((_, _) => throw new HttpRequestException("Connection refused"));
        var run = await new CliHarness(handler).RunAsync("ws", "ls");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: Cannot reach the Hearth API at http://127.0.0.1:7070/", run.Error, StringComparison.Ordinal);
        Assert.EndsWith("(network_error)" + Environment.NewLine, run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ws", "create")]
    [InlineData("ws", "create", "--image", "x", "--cpus", "0")]
    [InlineData("ws", "create", "--image", "x", "--memory", "lots")]
    [InlineData("ws", "create", "--image", "x", "--env", "NOEQUALS")]
    [InlineData("ws", "create", "--image", "x", "--mode", "forever")]
    [InlineData("ws", "ls", "--bogus")]
    [InlineData("ws", "get")]
    [InlineData("ws", "rm")]
    [InlineData("ws")]
    [InlineData]
    public async Task Usage_errors_exit_2_without_calling_the_api(params string[] args)
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.WorkspaceResponse());
        var run = await new CliHarness(handler).RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("--help'", run.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Network_without_changes_shows_the_address_and_rules()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Network);
        var run = await new CliHarness(handler).RunAsync("ws", "network", "ws_data");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(HttpMethod.Get, handler.Single.Method);
        Assert.Equal("/workspace/ws_data/network", handler.Single.PathAndQuery);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.Contains("IP         10.88.0.3", lines);
        Assert.Contains("Internet   blocked", lines);
        Assert.Contains("Ingress    10.88.0.2 (ports 5432)", lines);
        Assert.Contains("Egress     api.openai.com, 10.88.0.2", lines);
        Assert.Contains("Link       ws_agent00001 (agent, 10.88.0.2)", lines);
    }

    [Fact]
    public async Task Network_with_options_patches_only_those_and_an_empty_value_clears_a_list()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Network);
        var run = await new CliHarness(handler).RunAsync("ws", "network", "ws_data", "--ingress", "10.88.0.2,10.0.0.0/8", "--ingress-ports", "5432",
            "--egress", "", "--allow-internet", "false");

        Assert.Equal(0, run.ExitCode);
        var request = handler.Single;
        Assert.Equal(HttpMethod.Patch, request.Method);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal(["10.88.0.2", "10.0.0.0/8"], body.RootElement.GetProperty("ingress").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(5432, body.RootElement.GetProperty("ingress_ports")[0].GetInt32());
        Assert.Equal(0, body.RootElement.GetProperty("egress").GetArrayLength());
        Assert.False(body.RootElement.GetProperty("allow_internet").GetBoolean());
        Assert.False(body.RootElement.TryGetProperty("private_link_ids", out _));
    }

    [Fact]
    public async Task Network_refuses_a_port_that_is_not_one_before_calling_the_api()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Network);
        var run = await new CliHarness(handler).RunAsync("ws", "network", "ws_data", "--ingress-ports", "http");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("'http' is not a port number", run.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }
}
