using System.Net;
using System.Text.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

public sealed class NetworkClientTests
{
    [Fact]
    public async Task Get_reads_the_address_rules_and_private_links()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Network);
        using var client = TestClients.Create(handler);

        var network = await client.Workspaces.Network.GetAsync("ws_data").Within();

        Assert.Equal(HttpMethod.Get, handler.Single.Method);
        Assert.Equal("/workspace/ws_data/network", handler.Single.PathAndQuery);
        Assert.Equal(("10.88.0.3", "10.88.0.1", false), (network.Ip, network.Gateway, network.AllowInternet));
        Assert.Equal([5432], network.IngressPorts);
        Assert.Equal(["api.openai.com", "10.88.0.2"], network.Egress);
        Assert.Equal("10.88.0.2", Assert.Single(network.PrivateLinks).Ip);
    }

    [Fact]
    public async Task Update_sends_only_the_set_fields_and_an_empty_list_as_a_list()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Network);
        using var client = TestClients.Create(handler);

        await client.Workspaces.Network.UpdateAsync("ws_data", new UpdateNetworkRequest { AllowInternet = false, Ingress = [] }).Within();

        var request = handler.Single;
        Assert.Equal(HttpMethod.Patch, request.Method);
        Assert.Equal("/workspace/ws_data/network", request.PathAndQuery);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.False(body.RootElement.GetProperty("allow_internet").GetBoolean());
        Assert.Equal(0, body.RootElement.GetProperty("ingress").GetArrayLength());
        Assert.False(body.RootElement.TryGetProperty("egress", out _));
    }
}
