namespace Hearth.Sdk.Tests;

public sealed class HearthClientOptionsTests
{
    [Fact]
    public void A_credentials_file_without_an_address_gets_the_default()
    {
        using var file = new TempFile("""{ "client_id": "admin", "client_secret": "s" }""");

        var options = HearthClientOptions.FromCredentialsFile(file.Path);

        Assert.Equal(HearthClientOptions.DefaultBaseAddress, options.BaseAddress);
        Assert.Equal("admin", options.ClientId);
        Assert.Equal("s", options.ClientSecret);
        Assert.Null(options.HttpClient);
    }

    [Theory]
    [InlineData("""{ "client_id": "admin" }""")]
    [InlineData("""{ "client_secret": "s" }""")]
    [InlineData("""{ "client_id": "", "client_secret": "s" }""")]
    [InlineData("not json at all")]
    [InlineData("null")]
    public void A_credentials_file_of_the_wrong_shape_is_invalid_data(string content)
    {
        using var file = new TempFile(content);

        var ex = Assert.Throws<InvalidDataException>(() => HearthClientOptions.FromCredentialsFile(file.Path));
        Assert.DoesNotContain("admin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_credentials_file_is_an_io_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        Assert.Throws<FileNotFoundException>(() => HearthClientOptions.FromCredentialsFile(missing));
        Assert.Throws<DirectoryNotFoundException>(() => HearthClientOptions.FromCredentialsFile("/nonexistent/hearth/creds.json"));
    }

    [Fact]
    public void ToString_never_shows_the_secret()
    {
        var options = new HearthClientOptions
        {
            BaseAddress = new Uri("http://127.0.0.1:7070"),
            ClientId = "admin",
            ClientSecret = "super-secret-value",
        };

        var text = options.ToString();

        Assert.DoesNotContain("super-secret-value", text, StringComparison.Ordinal);
        Assert.Contains("admin", text, StringComparison.Ordinal);
    }

    private sealed class TempFile : IDisposable
    {
        public TempFile(string content)
        {
            Path = System.IO.Path.GetTempFileName();
            File.WriteAllText(Path, content);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
