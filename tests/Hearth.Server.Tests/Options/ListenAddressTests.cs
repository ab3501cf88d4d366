using System.Net;
using Hearth.Server.Options;

namespace Hearth.Server.Tests.Options;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:7070", "127.0.0.1", 7070)]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1)]
    [InlineData("[::1]:7070", "::1", 7070)]
    [InlineData(":7070", "0.0.0.0", 7070)]
    [InlineData("localhost:8080", "127.0.0.1", 8080)]
    [InlineData("127.0.0.1:65535", "127.0.0.1", 65535)]
    public void Parses_host_and_port(string text, string address, int port)
    {
        var endpoint = ListenAddress.Parse("api_listen", text);

        Assert.Equal(IPAddress.Parse(address), endpoint.Address);
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7070")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:abc")]
    [InlineData("example.com:80")]
    [InlineData("localhost:")]
    [InlineData("localhost:99999")]
    [InlineData("localhost:0")]
    [InlineData("localhost:-1")]
    public void Rejects_anything_else_naming_the_setting_including_a_localhost_port_out_of_range(string text)
    {
        var error = Assert.Throws<OptionsException>(() => ListenAddress.Parse("runtime_listen", text));

        Assert.Contains("runtime_listen", error.Message, StringComparison.Ordinal);
    }
}
