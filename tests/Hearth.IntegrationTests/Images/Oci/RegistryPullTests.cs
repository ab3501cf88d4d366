using Hearth.IntegrationTests.Infrastructure;
using Hearth.Runtime;
using Hearth.Runtime.Images.Oci;

namespace Hearth.IntegrationTests.Images.Oci;

/// <summary>
/// <see cref="RegistryClient"/> against a real registry on loopback with token auth
/// (<see cref="RegistryFixture"/>), filled by skopeo from an OCI layout built here.
/// </summary>
public sealed class RegistryPullTests(RegistryFixture registry) : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly OciScratch scratch = new();
    private readonly List<HttpClient> clients = [];

    public void Dispose()
    {
        foreach (var client in clients) client.Dispose();
        scratch.Dispose();
    }

    /// <summary>
    /// A client that holds the registry's credentials (<paramref name="password"/>) and lists its
    /// token server; with no password the registry is listed as insecure instead (loopback
    /// registries are refused unless listed).
    /// </summary>
    private RegistryClient Client(string? password = RegistryFixture.Password, params string[] alsoListed)
    {
        var options = new RegistryOptions
        {
            Credentials = password is null
                ? new Dictionary<string, (string User, string Password)>()
                : new Dictionary<string, (string User, string Password)> { [registry.Host] = (RegistryFixture.User, password) },
            Insecure = new HashSet<string>([registry.TokenHost, .. password is null ? [registry.Host] : Array.Empty<string>(), .. alsoListed]),
        };
        var http = new HttpClient(RegistryClient.CreateHandler(options)) { Timeout = TimeSpan.FromSeconds(60) };
        clients.Add(http);
        return new RegistryClient(http, options);
    }

    private async Task<string> PushTwoLayerImageAsync(string repository, string tag, bool gzip = true)
    {
        var layout = Path.Combine(scratch.Root, "layout-" + Guid.NewGuid().ToString("N")[..6]);
        var digest = OciArchiveTests.TwoLayerImage().WriteOciLayout(layout, tag, gzip);
        await registry.PushAsync(layout, tag, repository).Within(TimeSpan.FromMinutes(2));
        return digest;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_pull_with_token_auth_brings_the_image_back_with_its_whiteouts(bool gzip)
    {
        var repository = gzip ? "demo/app" : "demo/plain";
        await PushTwoLayerImageAsync(repository, "1.0", gzip);
        var tokensBefore = registry.TokensIssued;
        var progress = new List<string>();

        var image = await Client().PullAsync($"{registry.Host}/{repository}:1.0", scratch.Work, progress.Add, CancellationToken.None).Within();

        Assert.True(registry.TokensIssued > tokensBefore, "the pull went through the token server");
        Assert.Equal(["PATH=/usr/bin:/bin", "GREETING=hello"], image.Config.Env);
        Assert.Equal(["echo hi"], image.Config.Cmd);
        Assert.Equal("/srv", image.Config.WorkingDir);
        Assert.Equal(OciArchiveTests.TwoLayerImage().DiffIds, image.Layers.Select(l => l.DiffId));
        Assert.Equal(2, progress.Count);
        Assert.StartsWith("layer 1/2 sha256:", progress[0], StringComparison.Ordinal);
        Assert.Matches(@" \d+\.\d (KB|MB)$", progress[1]);

        var upper = scratch.NewTree("upper");
        using (var stream = image.Layers[1].OpenUncompressed())
            LayerExtractor.Extract(stream, upper, CancellationToken.None);
        Assert.Equal("character special file 0 0", await FileProbe.StatAsync(Path.Combine(upper, "etc/motd"), "%F %t %T"));
        Assert.Equal("y", FileProbe.Xattr(Path.Combine(upper, "var/cache"), "trusted.overlay.opaque"));
    }

    [Fact]
    public async Task A_pull_by_digest_gets_that_manifest_and_a_wrong_digest_is_not_found()
    {
        await PushTwoLayerImageAsync("demo/bydigest", "2");
        var byTag = await Client().PullAsync($"{registry.Host}/demo/bydigest:2", Path.Combine(scratch.Work, "tag"), _ => { }, CancellationToken.None).Within();

        var byDigest = await Client().PullAsync($"{registry.Host}/demo/bydigest@{byTag.ManifestDigest}", Path.Combine(scratch.Work, "digest"), _ => { }, CancellationToken.None).Within();
        Assert.Equal(byTag.ManifestDigest, byDigest.ManifestDigest);
        Assert.Equal(byTag.Layers.Select(l => l.DiffId), byDigest.Layers.Select(l => l.DiffId));

        var missing = TestImage.Sha("no such manifest"u8.ToArray());
        var error = await Assert.ThrowsAsync<RuntimeException>(() =>
            Client().PullAsync($"{registry.Host}/demo/bydigest@{missing}", Path.Combine(scratch.Work, "missing"), _ => { }, CancellationToken.None).Within());
        Assert.Equal("invalid_image", error.Code);
    }

    [Fact]
    public async Task A_wrong_password_or_none_is_registry_auth_failed()
    {
        await PushTwoLayerImageAsync("demo/secret", "1");

        var wrong = await Assert.ThrowsAsync<RuntimeException>(() =>
            Client("wrong-password").PullAsync($"{registry.Host}/demo/secret:1", scratch.Work, _ => { }, CancellationToken.None).Within());
        Assert.Equal("registry_auth_failed", wrong.Code);
        Assert.Contains(registry.Host, wrong.Message, StringComparison.Ordinal);

        var none = await Assert.ThrowsAsync<RuntimeException>(() =>
            Client(password: null).PullAsync($"{registry.Host}/demo/secret:1", scratch.Work, _ => { }, CancellationToken.None).Within());
        Assert.Equal("registry_auth_failed", none.Code);
    }

    [Fact]
    public async Task An_unknown_tag_or_repository_is_invalid_image()
    {
        await PushTwoLayerImageAsync("demo/known", "1");

        var tag = await Assert.ThrowsAsync<RuntimeException>(() =>
            Client().PullAsync($"{registry.Host}/demo/known:nope", scratch.Work, _ => { }, CancellationToken.None).Within());
        Assert.Equal("invalid_image", tag.Code);
        Assert.Equal($"{registry.Host}/demo/known:nope: not found in the registry", tag.Message);

        var repository = await Assert.ThrowsAsync<RuntimeException>(() =>
            Client().PullAsync($"{registry.Host}/never/pushed:1", scratch.Work, _ => { }, CancellationToken.None).Within());
        Assert.Equal("invalid_image", repository.Code);
    }

    [Fact]
    public async Task A_closed_port_is_registry_unreachable_and_a_reference_without_a_host_is_invalid_image()
    {
        var closed = $"127.0.0.1:{RegistryFixture.FreePort()}";
        var error = await Assert.ThrowsAsync<RuntimeException>(() =>
            Client(alsoListed: closed).PullAsync($"{closed}/demo/app:1", scratch.Work, _ => { }, CancellationToken.None).Within());
        Assert.Equal("registry_unreachable", error.Code);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);

        var noHost = await Assert.ThrowsAsync<RuntimeException>(() =>
            Client().PullAsync("library/busybox:latest", scratch.Work, _ => { }, CancellationToken.None).Within());
        Assert.Equal("invalid_image", noHost.Code);
        Assert.Contains("name a registry host: host[:port]/name:tag", noHost.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registry_on_loopback_that_is_not_listed_is_refused_and_its_token_server_is_not_asked()
    {
        await PushTwoLayerImageAsync("demo/unlisted", "1");
        var tokensBefore = registry.TokensIssued;

        var unlisted = await Assert.ThrowsAsync<RuntimeException>(() =>
            Unlisted(new RegistryOptions()).PullAsync($"{registry.Host}/demo/unlisted:1", scratch.Work, _ => { }, CancellationToken.None).Within());

        Assert.Equal("invalid_image", unlisted.Code);
        Assert.Equal($"registry {registry.Host} is on this host's own networks; an operator can allow it with insecure_registries or registry_credentials", unlisted.Message);
        Assert.Equal(tokensBefore, registry.TokensIssued);

        // The registry listed with its credentials, its token server (plain http) not: the realm is refused.
        var realm = await Assert.ThrowsAsync<RuntimeException>(() =>
            Unlisted(new RegistryOptions
            {
                Credentials = new Dictionary<string, (string User, string Password)> { [registry.Host] = (RegistryFixture.User, RegistryFixture.Password) },
            }).PullAsync($"{registry.Host}/demo/unlisted:1", scratch.Work, _ => { }, CancellationToken.None).Within());
        Assert.Equal("invalid_image", realm.Code);
        Assert.Contains($"the token realm http://{registry.TokenHost} is plain http", realm.Message, StringComparison.Ordinal);
        Assert.Equal(tokensBefore, registry.TokensIssued);
    }

    private RegistryClient Unlisted(RegistryOptions options)
    {
        var http = new HttpClient(RegistryClient.CreateHandler(options)) { Timeout = TimeSpan.FromSeconds(60) };
        clients.Add(http);
        return new RegistryClient(http, options);
    }
}
