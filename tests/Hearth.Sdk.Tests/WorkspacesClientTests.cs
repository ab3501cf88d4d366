using System.Net;
using System.Text.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

public sealed class WorkspacesClientTests
{
    [Fact]
    public async Task Create_posts_the_request_in_snake_case_with_credentials_and_returns_the_workspace()
    {
        var handler = new FakeHandler(HttpStatusCode.Created, WireSamples.WorkspaceResponse());
        using var client = TestClients.Create(handler);

        var workspace = await client.Workspaces.CreateAsync(new CreateWorkspaceRequest
        {
            Image = "node-20",
            Name = "agent-1",
            Mode = WorkspaceMode.Temporary,
            IdempotencyKey = "job-42",
            Config = new WorkspaceConfig
            {
                MemoryMb = 2048,
                DiskSizeMb = 10240,
                Ttl = "30m",
                Env = new Dictionary<string, string> { ["A"] = "1" },
                Cmd = ["sleep", "infinity"],
            },
        }).Within();

        var request = handler.Single;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://hearth.test:7070/workspace", request.Uri.ToString());
        Assert.Equal(TestClients.ClientId, request.Header("X-Client-ID"));
        Assert.Equal(TestClients.ClientSecret, request.Header("X-Client-Secret"));
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        Assert.Contains("application/json", request.Header("Accept"));

        using var body = JsonDocument.Parse(request.Body!);
        var root = body.RootElement;
        Assert.Equal("node-20", root.GetProperty("image").GetString());
        Assert.Equal("temporary", root.GetProperty("mode").GetString());
        Assert.Equal("job-42", root.GetProperty("idempotency_key").GetString());
        Assert.Equal(2048, root.GetProperty("config").GetProperty("memory_mb").GetInt32());
        Assert.Equal(10240, root.GetProperty("config").GetProperty("disk_size_mb").GetInt32());
        Assert.Equal("30m", root.GetProperty("config").GetProperty("ttl").GetString());
        Assert.Equal("1", root.GetProperty("config").GetProperty("env").GetProperty("A").GetString());
        Assert.Equal(["sleep", "infinity"], root.GetProperty("config").GetProperty("cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.False(root.TryGetProperty("slug", out _), "null members are omitted");
        Assert.False(root.GetProperty("config").TryGetProperty("cpus", out _), "null members are omitted");

        Assert.Equal("ws_abc123", workspace.Id);
        Assert.Equal(WorkspaceStatus.Running, workspace.Status);
        Assert.Equal("10.88.0.2", workspace.Info.InternalIp);
        Assert.Equal(2048, workspace.Resources.MemoryMb);
        Assert.Equal(1800, workspace.Lifecycle.TtlSeconds);
        Assert.Equal(["sleep", "infinity"], workspace.Config.Cmd);
        Assert.Equal(DateTimeOffset.Parse(WireSamples.CreatedAt, System.Globalization.CultureInfo.InvariantCulture), workspace.CreatedAt);
    }

    [Fact]
    public async Task Get_escapes_the_id_into_one_path_segment()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.WorkspaceResponse());
        using var client = TestClients.Create(handler);

        await client.Workspaces.GetAsync("a/b c?d#e").Within();

        var request = handler.Single;
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("/workspace/a%2Fb%20c%3Fd%23e", request.Uri.AbsolutePath + request.Uri.Query + request.Uri.Fragment);
        Assert.Null(request.Body);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(".")]
    [InlineData("..")]
    public async Task Ids_that_would_address_another_path_are_refused_before_sending(string id)
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.WorkspaceResponse());
        using var client = TestClients.Create(handler);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.Workspaces.GetAsync(id).Within());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.Workspaces.DeleteAsync(id).Within());
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task List_without_a_query_sends_no_query_string()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.List(1, WireSamples.Workspace()));
        using var client = TestClients.Create(handler);

        var result = await client.Workspaces.ListAsync().Within();

        Assert.Equal("/workspace", handler.Single.PathAndQuery);
        Assert.Equal(1, result.Total);
        Assert.Equal("ws_abc123", Assert.Single(result.Workspaces).Id);
    }

    [Fact]
    public async Task List_sends_each_set_filter_escaped()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.List(0));
        using var client = TestClients.Create(handler);

        await client.Workspaces.ListAsync(new ListWorkspacesQuery { Page = 2, Limit = 50, Status = "running", Mode = "a b" }).Within();

        Assert.Equal("/workspace?page=2&limit=50&status=running&mode=a%20b", handler.Single.PathAndQuery);
    }

    [Fact]
    public async Task Update_puts_the_changed_fields()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.WorkspaceResponse());
        using var client = TestClients.Create(handler);

        await client.Workspaces.UpdateAsync("ws_abc123", new UpdateWorkspaceRequest
        {
            Name = "renamed",
            Metadata = new Dictionary<string, string> { ["team"] = "infra" },
        }).Within();

        var request = handler.Single;
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal("/workspace/ws_abc123", request.PathAndQuery);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("renamed", body.RootElement.GetProperty("name").GetString());
        Assert.Equal("infra", body.RootElement.GetProperty("metadata").GetProperty("team").GetString());
        Assert.False(body.RootElement.TryGetProperty("slug", out _));
    }

    [Fact]
    public async Task Delete_sends_delete_and_accepts_the_success_body()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Success);
        using var client = TestClients.Create(handler);

        await client.Workspaces.DeleteAsync("ws_abc123").Within();

        Assert.Equal(HttpMethod.Delete, handler.Single.Method);
        Assert.Equal("/workspace/ws_abc123", handler.Single.PathAndQuery);
        Assert.Equal(TestClients.ClientSecret, handler.Single.Header("X-Client-Secret"));
    }

    [Theory]
    [InlineData("start")]
    [InlineData("stop")]
    [InlineData("restart")]
    [InlineData("pause")]
    [InlineData("resume")]
    public async Task Lifecycle_calls_post_without_a_body(string verb)
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.WorkspaceResponse(status: "paused"));
        using var client = TestClients.Create(handler);
        var workspaces = client.Workspaces;

        var workspace = await (verb switch
        {
            "start" => workspaces.StartAsync("ws_abc123"),
            "stop" => workspaces.StopAsync("ws_abc123"),
            "restart" => workspaces.RestartAsync("ws_abc123"),
            "pause" => workspaces.PauseAsync("ws_abc123"),
            _ => workspaces.ResumeAsync("ws_abc123"),
        }).Within();

        var request = handler.Single;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"/workspace/ws_abc123/{verb}", request.PathAndQuery);
        Assert.Null(request.Body);
        Assert.Equal(TestClients.ClientId, request.Header("X-Client-ID"));
        Assert.Equal("paused", workspace.Status);
    }

    [Fact]
    public async Task Quota_is_read_from_its_own_path()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Quota);
        using var client = TestClients.Create(handler);

        var quota = await client.Workspaces.GetQuotaAsync().Within();

        Assert.Equal("/workspace/quota", handler.Single.PathAndQuery);
        Assert.Equal(HttpMethod.Get, handler.Single.Method);
        Assert.True(quota.CanCreate);
        Assert.Null(quota.MaxWorkspaces);
        Assert.Equal(16384, quota.Limits.MemoryMb);
        Assert.Equal(2, quota.RunningPoolUsage.Cpus);
    }

    [Fact]
    public async Task The_callers_token_reaches_the_handler()
    {
        using var cancellation = new CancellationTokenSource();
        var handler = new FakeHandler(async (_, token) =>
        {
            await cancellation.CancelAsync();
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });
        using var client = TestClients.Create(handler);

        // Cancellation the caller asked for stays an OperationCanceledException, not an API error.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.Workspaces.StopAsync("ws_abc123", cancellation.Token).Within());
    }
}
