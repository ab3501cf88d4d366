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
}
