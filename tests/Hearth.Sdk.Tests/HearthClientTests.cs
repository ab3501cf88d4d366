using System.Net;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

public sealed class HearthClientTests
{
    [Fact]
    public async Task Health_is_sent_without_credentials()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Health);
        using var client = TestClients.Create(handler);

        var health = await client.GetHealthAsync().Within();

        Assert.Equal("/health", handler.Single.PathAndQuery);
        Assert.Null(handler.Single.Header("X-Client-ID"));
        Assert.Null(handler.Single.Header("X-Client-Secret"));
        Assert.Equal("ok", health.Status);
        Assert.Equal("0.1.0", health.Version);
    }

    [Theory]
    [InlineData("http://hearth.test/api", "http://hearth.test/api/health")]
    [InlineData("http://hearth.test/api/", "http://hearth.test/api/health")]
    [InlineData("http://hearth.test:7070", "http://hearth.test:7070/health")]
    [InlineData("https://hearth.test/?q=1#f", "https://hearth.test/health")]
    public async Task A_path_prefix_in_the_base_address_is_kept(string baseUrl, string expected)
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Health);
        using var client = TestClients.Create(handler, baseUrl);

        await client.GetHealthAsync().Within();

        Assert.Equal(expected, handler.Single.Uri.ToString());
        Assert.EndsWith("/", client.BaseAddress.ToString());
    }

    [Fact]
    public void The_convenience_constructor_takes_a_url_string()
    {
        using var client = new HearthClient("http://127.0.0.1:7070", "id", "secret");
        Assert.Equal("http://127.0.0.1:7070/", client.BaseAddress.ToString());
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://hearth.test")]
    [InlineData("/relative")]
    public void Bad_base_addresses_are_refused(string baseUrl) =>
        Assert.ThrowsAny<ArgumentException>(() => new HearthClient(baseUrl, "id", "secret"));

    [Theory]
    [InlineData("", "secret")]
    [InlineData("id", "")]
    [InlineData("id", "line\nbreak")]
    public void Empty_or_control_character_credentials_are_refused(string id, string secret) =>
        Assert.ThrowsAny<ArgumentException>(() => new HearthClient("http://127.0.0.1:7070", id, secret));

    [Fact]
    public async Task A_supplied_http_client_outlives_the_hearth_client_and_calls_after_dispose_fail()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Health);
        using var http = new HttpClient(handler);
        var client = new HearthClient(new HearthClientOptions
        {
            BaseAddress = new Uri("http://hearth.test"),
            ClientId = "id",
            ClientSecret = "secret",
            HttpClient = http,
        });

        client.Dispose();
        client.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetHealthAsync().Within());
        var response = await http.GetAsync(new Uri("http://hearth.test/health")).Within();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task FromCredentialsFile_uses_the_files_credentials_and_address()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, """{ "client_id": "admin", "client_secret": "from-file", "api_url": "http://127.0.0.2:9999" }""").Within();
            using var client = HearthClient.FromCredentialsFile(path);
            Assert.Equal("http://127.0.0.2:9999/", client.BaseAddress.ToString());

            using var overridden = HearthClient.FromCredentialsFile(path, "http://127.0.0.3:7070");
            Assert.Equal("http://127.0.0.3:7070/", overridden.BaseAddress.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
