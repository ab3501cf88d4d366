using System.Net;
using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Runtime;

/// <summary><c>GET /runtime</c>: an operation answered by the workspace's own agent.</summary>
public sealed class RuntimeInfoTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    [Fact]
    public async Task Runtime_info_is_the_workspace_seen_from_inside()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        var hostname = (await gateway.ShAsync("hostname")).Trim();

        var info = (await gateway.GetAsync("/runtime")).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.True(info.GetProperty("success").GetBoolean());
        Assert.Equal("linux", info.GetProperty("os").GetString());
        Assert.Equal(hostname, info.GetProperty("hostname").GetString());
        Assert.Equal("/bin/sh", info.GetProperty("shell").GetString());
        Assert.Contains("info", info.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task A_token_for_one_workspace_used_on_another_is_forbidden()
    {
        using var a = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        using var b = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/runtime");
        request.Headers.Add("X-Workspace-Id", b.WorkspaceId);
        using var response = await a.Http.SendAsync(request);
        var answer = new Hearth.Testing.ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync());

        ApiAssert.Error(answer, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains(b.WorkspaceId, answer.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        using var own = new HttpRequestMessage(HttpMethod.Get, "/runtime");
        own.Headers.Add("X-Workspace-Id", a.WorkspaceId);
        Assert.Equal(HttpStatusCode.OK, (await a.Http.SendAsync(own)).StatusCode);
    }
}
