using System.Net;
using System.Text.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

public sealed class ResourcesClientTests
{
    [Fact]
    public async Task Get_returns_the_resources_record()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Resources);
        using var client = TestClients.Create(handler);

        var resources = await client.Workspaces.Resources.GetAsync("ws_abc123").Within();

        Assert.Equal(HttpMethod.Get, handler.Single.Method);
        Assert.Equal("/workspace/ws_abc123/resources", handler.Single.PathAndQuery);
        Assert.Equal(4, resources.Cpus);
        Assert.Equal(20480, resources.PendingDiskSizeMb);
    }

    [Fact]
    public async Task Update_patches_only_the_set_fields()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Resources);
        using var client = TestClients.Create(handler);

        var response = await client.Workspaces.Resources.UpdateAsync("ws_abc123", new UpdateResourcesRequest { Cpus = 4 }).Within();

        var request = handler.Single;
        Assert.Equal(HttpMethod.Patch, request.Method);
        Assert.Equal("/workspace/ws_abc123/resources", request.PathAndQuery);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal(4, body.RootElement.GetProperty("cpus").GetInt32());
        Assert.False(body.RootElement.TryGetProperty("memory_mb", out _));
        Assert.Equal(["cpus"], response.AppliedLive);
    }
}
