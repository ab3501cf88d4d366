using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Auth;

/// <summary>The first start writes one admin key (0600); later starts of the same data dir reuse it.</summary>
public sealed class AdminCredentialsTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private const string Banner = "Hearth admin API key";

    private HearthdInstance Hearthd => fixture.Hearthd;

    private string CredentialsFile => Path.Combine(Hearthd.DataDir, "admin-credentials.json");

    [Fact]
    public async Task The_credentials_file_is_0600_and_its_secret_works()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CredentialsFile));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(CredentialsFile).Within());
        var id = json.RootElement.GetProperty("client_id").GetString()!;
        var secret = json.RootElement.GetProperty("client_secret").GetString()!;
        Assert.StartsWith("hk_", id, StringComparison.Ordinal);
        Assert.Equal(Hearthd.ApiUrl, json.RootElement.GetProperty("api_url").GetString());

        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(id, secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(id, secret[..^1]));
        // The database holds no clear secret.
        foreach (var file in new[] { "hearth.db", "hearth.db-wal" }.Select(f => Path.Combine(Hearthd.DataDir, f)).Where(File.Exists))
        {
            var bytes = await File.ReadAllBytesAsync(file).Within();
            Assert.DoesNotContain(secret, System.Text.Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        }
        // The key hashes are for root only: every file of the database is 0600, and the data dir is not listable.
        foreach (var file in Directory.EnumerateFiles(Hearthd.DataDir, "hearth.db*"))
            Assert.True(File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{file} is {File.GetUnixFileMode(file)}");
        Assert.Equal((UnixFileMode)Convert.ToInt32("711", 8), File.GetUnixFileMode(Hearthd.DataDir));
    }

    [Fact]
    public async Task A_second_start_of_the_same_data_dir_keeps_the_key_and_prints_no_new_one()
    {
        var before = await File.ReadAllTextAsync(CredentialsFile).Within();
        Assert.Equal(1, BannerLines());

        await Hearthd.StopAsync().Within(Bounded.Daemon);
        await Hearthd.LaunchAsync().Within(Bounded.Daemon);

        Assert.Equal(before, await File.ReadAllTextAsync(CredentialsFile).Within());
        Assert.Equal(1, BannerLines());
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(Hearthd.ClientId, Hearthd.ClientSecret));
    }

    private int BannerLines() => File.ReadAllLines(Hearthd.LogPath).Count(l => l.Contains(Banner, StringComparison.Ordinal));

    private async Task<HttpStatusCode> StatusWithAsync(string id, string secret)
    {
        using var client = new HttpClient { BaseAddress = new Uri(Hearthd.ApiUrl), Timeout = Bounded.Request };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/workspace");
        request.Headers.Add("X-Client-ID", id);
        request.Headers.Add("X-Client-Secret", secret);
        using var response = await client.SendAsync(request).Within();
        return response.StatusCode;
    }
}
