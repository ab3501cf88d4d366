using Hearth.Server.Options;
using Hearth.Server.RuntimeApi;

namespace Hearth.Server.Tests.RuntimeApi;

public sealed class GatewayUrlTests
{
    [Theory]
    [InlineData("127.0.0.1:7071", "http://127.0.0.1:7071")]
    [InlineData("10.1.2.3:9000", "http://10.1.2.3:9000")]
    [InlineData("0.0.0.0:7071", "http://127.0.0.1:7071")]
    [InlineData("[::]:7071", "http://127.0.0.1:7071")]
    [InlineData("[::1]:7071", "http://[::1]:7071")]
    public void A_wildcard_listen_address_is_advertised_as_loopback(string listen, string expected) =>
        Assert.Equal(expected, RuntimeAccessEndpoints.GatewayUrl(new HearthOptions { DataDir = "/tmp/x", ImagesDir = "/tmp/x/images", DiskPoolDir = "/tmp/x/disks", AgentPath = "/tmp/x/agent", RuntimeListen = listen }));
}
