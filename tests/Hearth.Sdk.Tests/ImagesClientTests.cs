using System.Net;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

public sealed class ImagesClientTests
{
    [Fact]
    public async Task List_reads_the_catalogue()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Images);
        using var client = TestClients.Create(handler);

        var catalogue = await client.Workspaces.Images.ListAsync().Within();

        Assert.Equal(HttpMethod.Get, handler.Single.Method);
        Assert.Equal("/workspace/images", handler.Single.PathAndQuery);
        var image = Assert.Single(catalogue.Images);
        Assert.Equal("node-20", image.Id);
        Assert.Equal(256, image.MinimumMemoryMb);
        Assert.Equal("lang", Assert.Single(catalogue.Categories).Id);
    }
}
