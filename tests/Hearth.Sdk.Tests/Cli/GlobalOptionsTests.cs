using System.Net;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Cli;

public sealed class GlobalOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hearth-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Without_any_credentials_the_command_fails_before_calling()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.List(0));
        var harness = new CliHarness(handler);
        harness.Environment.Clear();

        var run = await harness.RunAsync("ws", "ls");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: no credentials:", run.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_readable_default_credentials_file_is_used_with_its_address()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.List(0));
        var harness = new CliHarness(handler) { DefaultCredentialsPath = WriteCredentials("http://127.0.0.5:7171") };
        harness.Environment.Clear();

        var run = await harness.RunAsync("ws", "ls");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("http://127.0.0.5:7171/workspace", handler.Single.Uri.ToString());
        Assert.Equal("file-id", handler.Single.Header("X-Client-ID"));
        Assert.Equal("file-secret", handler.Single.Header("X-Client-Secret"));
    }

    [Fact]
    public async Task Hearth_url_overrides_the_files_address_and_the_option_overrides_both()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.List(0));
        var harness = new CliHarness(handler);
        harness.Environment.Clear();
        harness.Environment["HEARTH_CREDENTIALS"] = WriteCredentials("http://127.0.0.5:7171");
        harness.Environment["HEARTH_URL"] = "http://127.0.0.6:7070";

        Assert.Equal(0, (await harness.RunAsync("ws", "ls")).ExitCode);
        Assert.Equal(0, (await harness.RunAsync("--url", "http://127.0.0.7:7070", "ws", "ls")).ExitCode);
        Assert.Equal(0, (await harness.RunAsync("ws", "ls", "--url", "http://127.0.0.8:7070")).ExitCode);

        Assert.Equal(
            ["127.0.0.6", "127.0.0.7", "127.0.0.8"],
            handler.Requests.Select(r => r.Uri.Host));
        Assert.All(handler.Requests, r => Assert.Equal("file-id", r.Header("X-Client-ID")));
    }

    [Fact]
    public async Task Explicit_credentials_win_over_a_credentials_file()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.List(0));
        var harness = new CliHarness(handler);
        harness.Environment["HEARTH_CREDENTIALS"] = WriteCredentials("http://127.0.0.5:7171");

        var run = await harness.RunAsync("ws", "ls", "--client-id", "opt-id", "--client-secret", "opt-secret");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("http://127.0.0.1:7070/workspace", handler.Single.Uri.ToString());
        Assert.Equal("opt-id", handler.Single.Header("X-Client-ID"));
        Assert.Equal("opt-secret", handler.Single.Header("X-Client-Secret"));
    }

    [Fact]
    public async Task A_named_credentials_file_that_is_missing_is_an_error()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.List(0));
        var harness = new CliHarness(handler);
        harness.Environment.Clear();

        var run = await harness.RunAsync("ws", "ls", "--credentials", Path.Combine(_directory, "missing.json"));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: cannot use credentials file:", run.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("--client-id", "only-id")]
    [InlineData("--url", "ftp://127.0.0.1")]
    public async Task Half_given_credentials_or_a_bad_url_are_usage_errors(string option, string value)
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.List(0));
        var harness = new CliHarness(handler);
        if (option == "--client-id")
        {
            harness.Environment.Clear();
        }

        var run = await harness.RunAsync("ws", "ls", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    private string WriteCredentials(string apiUrl)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, $$"""{ "client_id": "file-id", "client_secret": "file-secret", "api_url": "{{apiUrl}}" }""");
        return path;
    }
}
