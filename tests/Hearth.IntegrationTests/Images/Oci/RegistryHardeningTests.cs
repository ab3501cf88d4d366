using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Runtime;
using Hearth.Runtime.Images.Oci;

namespace Hearth.IntegrationTests.Images.Oci;

/// <summary>
/// <see cref="RegistryClient"/> against registries that misbehave (<see cref="FakeRegistry"/>):
/// where its connections may go (registry, token realm and redirects on this host's own networks
/// only when the operator listed them), and the bounds on what it reads (documents, blobs, stalls,
/// the caller's deadline, the layer count).
/// </summary>
public sealed class RegistryHardeningTests : IAsyncDisposable
{
    private const string OwnNetworksRule = "is on this host's own networks; an operator can allow it with insecure_registries or registry_credentials";
    private readonly OciScratch scratch = new();
    private readonly List<IAsyncDisposable> servers = [];
    private readonly List<HttpClient> clients = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients) client.Dispose();
        foreach (var server in servers) await server.DisposeAsync();
        scratch.Dispose();
    }

    private FakeRegistry Serve(Func<string, Stream, CancellationToken, Task> answer)
    {
        var server = new FakeRegistry(answer);
        servers.Add(server);
        return server;
    }

    private RegistryClient Client(TimeSpan? idle = null, params string[] listed)
    {
        var options = new RegistryOptions
        {
            Insecure = new HashSet<string>(listed, StringComparer.OrdinalIgnoreCase),
            IdleTimeout = idle ?? TimeSpan.FromSeconds(60),
        };
        var http = new HttpClient(RegistryClient.CreateHandler(options)) { Timeout = TimeSpan.FromSeconds(60) };
        clients.Add(http);
        return new RegistryClient(http, options);
    }

    private Task<OciImage> PullAsync(RegistryClient client, string reference, CancellationToken cancellationToken = default) =>
        client.PullAsync(reference, Path.Combine(scratch.Work, Guid.NewGuid().ToString("N")[..8]), _ => { }, cancellationToken);

    private static async Task<RuntimeException> RefusedAsync(Task pull, string code)
    {
        var error = await Assert.ThrowsAsync<RuntimeException>(() => pull.Within());
        Assert.True(error.Code == code, $"{error.Code}: {error.Message}");
        return error;
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task A_loopback_registry_the_operator_did_not_list_is_refused_before_any_request(string host)
    {
        var registry = Serve((_, stream, ct) => FakeRegistry.RespondAsync(stream, 404, "{}", ct));
        var port = registry.Host.Split(':')[1];

        var error = await RefusedAsync(PullAsync(Client(), $"{host}:{port}/demo/app:1"), "invalid_image");

        Assert.Contains(OwnNetworksRule, error.Message, StringComparison.Ordinal);
        Assert.Contains($"registry {host}:{port} ", error.Message, StringComparison.Ordinal);
        Assert.Empty(registry.Paths);

        // Listed, the same registry is dialled (and answers 404: not found).
        var listed = await RefusedAsync(PullAsync(Client(listed: $"{host}:{port}"), $"{host}:{port}/demo/app:1"), "invalid_image");
        Assert.EndsWith("not found in the registry", listed.Message, StringComparison.Ordinal);
        Assert.NotEmpty(registry.Paths);
    }

    [Theory]
    [InlineData("https", false, "own networks")]
    [InlineData("http", false, "plain http")]
    [InlineData("http", true, "works")]
    public async Task A_token_realm_on_an_unlisted_loopback_port_is_refused_and_its_server_hears_nothing(string scheme, bool listRealm, string outcome)
    {
        var tokens = Serve((_, stream, ct) => FakeRegistry.RespondAsync(stream, 200, """{"token":"t0k3n"}""", ct, "Content-Type: application/json"));
        var realm = $"{scheme}://{tokens.Host}/token";
        var registry = Serve((path, stream, ct) => FakeRegistry.RespondAsync(stream, 401, "{}", ct,
            $"WWW-Authenticate: Bearer realm=\"{realm}\",service=\"fake\""));
        var client = listRealm ? Client(listed: [registry.Host, tokens.Host]) : Client(listed: registry.Host);

        var error = await RefusedAsync(PullAsync(client, $"{registry.Host}/demo/app:1"),
            outcome == "works" ? "registry_auth_failed" : "invalid_image");

        switch (outcome)
        {
            case "own networks":
                Assert.Equal($"registry {tokens.Host} {OwnNetworksRule}", error.Message);
                Assert.Empty(tokens.Paths);
                break;
            case "plain http":
                Assert.Contains($"the token realm http://{tokens.Host} is plain http", error.Message, StringComparison.Ordinal);
                Assert.Empty(tokens.Paths);
                break;
            default:
                // The token was fetched and sent; the fake registry still answers 401.
                Assert.StartsWith("/token?service=fake&scope=repository", Assert.Single(tokens.Paths), StringComparison.Ordinal);
                Assert.Contains("refused the credentials", error.Message, StringComparison.Ordinal);
                break;
        }
    }

    [Fact]
    public async Task A_redirect_to_an_unlisted_loopback_port_is_refused()
    {
        var inside = Serve((_, stream, ct) => FakeRegistry.RespondAsync(stream, 200, "{}", ct));
        var registry = Serve((path, stream, ct) => FakeRegistry.RespondAsync(stream, 307, "", ct, $"Location: http://{inside.Host}/latest/meta-data/"));

        var error = await RefusedAsync(PullAsync(Client(listed: registry.Host), $"{registry.Host}/demo/app:1"), "invalid_image");

        Assert.Equal($"registry {inside.Host} {OwnNetworksRule}", error.Message);
        Assert.Empty(inside.Paths);
        Assert.Single(registry.Paths);
    }

    [Theory]
    [InlineData("manifest", true)]
    [InlineData("manifest", false)]
    [InlineData("token", true)]
    public async Task A_document_over_4_MiB_is_refused_whether_announced_or_chunked(string document, bool chunked)
    {
        const int chunk = 64 * 1024;
        var tokens = Serve((_, stream, ct) => FakeRegistry.RespondChunkedAsync(stream, "application/json", (byte)' ', chunk, 1024, ct));
        var registry = Serve((path, stream, ct) =>
            document == "token"
                ? FakeRegistry.RespondAsync(stream, 401, "{}", ct, $"WWW-Authenticate: Bearer realm=\"http://{tokens.Host}/token\"")
            : chunked ? FakeRegistry.RespondChunkedAsync(stream, "application/vnd.oci.image.manifest.v1+json", (byte)' ', chunk, 1024, ct)
            : FakeRegistry.RespondAsync(stream, 200, new byte[5 << 20], ct, "Content-Type: application/vnd.oci.image.manifest.v1+json"));

        var error = await RefusedAsync(PullAsync(Client(listed: [registry.Host, tokens.Host]), $"{registry.Host}/demo/app:1"),
            document == "token" ? "registry_auth_failed" : "invalid_image");

        Assert.Contains($"is larger than {4 << 20} bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_blob_longer_than_its_descriptor_is_cut_off_at_its_size(bool chunked)
    {
        var image = ImageServer.WithLayers(1);
        var blob = image.Layers[0];
        var registry = Serve((path, stream, ct) => path.EndsWith(blob.Digest, StringComparison.Ordinal)
            ? chunked
                ? FakeRegistry.RespondChunkedAsync(stream, "application/octet-stream", 0, 64 * 1024, 16 * 1024, ct) // 1 GiB
                : FakeRegistry.RespondAsync(stream, 200, new byte[blob.Size + 1], ct)
            : image.AnswerAsync(path, stream, ct));

        var work = Path.Combine(scratch.Work, "long");
        var error = await RefusedAsync(Client(listed: registry.Host).PullAsync($"{registry.Host}/demo/app:1", work, _ => { }, CancellationToken.None), "digest_mismatch");

        Assert.Contains($"the registry sends more than the {blob.Size} bytes its descriptor gives", error.Message, StringComparison.Ordinal);
        Assert.All(Directory.EnumerateFiles(work, "*", SearchOption.AllDirectories), f => Assert.True(new FileInfo(f).Length <= 1 << 20, f));
    }

    [Theory]
    [InlineData("before the headers")]
    [InlineData("after the headers")]
    public async Task A_registry_that_stalls_is_registry_unreachable_after_the_idle_timeout(string when)
    {
        var registry = Serve(async (path, stream, ct) =>
        {
            if (when == "after the headers")
                await FakeRegistry.WriteHeadAsync(stream, 200, ["Content-Length: 1000", "Content-Type: application/vnd.oci.image.manifest.v1+json"], ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var clock = Stopwatch.StartNew();

        var error = await RefusedAsync(PullAsync(Client(TimeSpan.FromSeconds(1), registry.Host), $"{registry.Host}/demo/app:1"), "registry_unreachable");

        Assert.Equal($"{registry.Host}: manifest stalled: no data for 1 s", error.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task The_callers_token_ends_a_stalled_pull()
    {
        var image = ImageServer.WithLayers(1);
        var registry = Serve(async (path, stream, ct) =>
        {
            if (!path.Contains("/blobs/" + image.Layers[0].Digest, StringComparison.Ordinal))
            {
                await image.AnswerAsync(path, stream, ct);
                return;
            }
            await FakeRegistry.WriteHeadAsync(stream, 200, [$"Content-Length: {image.Layers[0].Size}"], ct);
            await stream.WriteAsync(new byte[10], ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PullAsync(Client(listed: registry.Host), $"{registry.Host}/demo/app:1", deadline.Token).Within());
        Assert.Contains(registry.Paths, p => p.Contains("/blobs/" + image.Layers[0].Digest, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_image_of_more_than_64_layers_is_refused_before_any_blob_is_fetched()
    {
        var image = ImageServer.WithLayers(65);
        var registry = Serve(image.AnswerAsync);

        var error = await RefusedAsync(PullAsync(Client(listed: registry.Host), $"{registry.Host}/demo/app:1"), "invalid_image");

        Assert.Equal($"{registry.Host}/demo/app:1: 65 layers; at most 64 (one overlay mount stacks them all)", error.Message);
        Assert.DoesNotContain(registry.Paths, p => p.Contains("/blobs/", StringComparison.Ordinal));
    }

    /// <summary>A well-formed image of <c>n</c> tiny plain-tar layers, answered by path (manifest by any tag, blobs by digest).</summary>
    private sealed class ImageServer
    {
        public required byte[] Manifest { get; init; }
        public required List<(string Digest, long Size)> Layers { get; init; }
        public required Dictionary<string, byte[]> Blobs { get; init; }

        public static ImageServer WithLayers(int n)
        {
            var image = new TestImage();
            for (var i = 0; i < n; i++) image.Layers.Add(new LayerTar().File($"f{i}", $"layer {i}").Build());
            var config = image.ConfigJson();
            var blobs = image.Layers.Append(config).DistinctBy(TestImage.Sha).ToDictionary(TestImage.Sha);
            return new ImageServer
            {
                Blobs = blobs,
                Layers = [.. image.Layers.Select(l => (TestImage.Sha(l), (long)l.Length))],
                Manifest = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
                {
                    ["schemaVersion"] = 2,
                    ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                    ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", config),
                    ["layers"] = new JsonArray([.. image.Layers.Select(l => (JsonNode)Descriptor("application/vnd.oci.image.layer.v1.tar", l))]),
                }),
            };
        }

        private static JsonObject Descriptor(string mediaType, byte[] blob) =>
            new() { ["mediaType"] = mediaType, ["digest"] = TestImage.Sha(blob), ["size"] = blob.Length };

        public Task AnswerAsync(string path, Stream stream, CancellationToken cancellationToken)
        {
            if (path.Contains("/manifests/", StringComparison.Ordinal))
                return FakeRegistry.RespondAsync(stream, 200, Manifest, cancellationToken, "Content-Type: application/vnd.oci.image.manifest.v1+json");
            var digest = path[(path.LastIndexOf('/') + 1)..];
            return Blobs.TryGetValue(digest, out var blob)
                ? FakeRegistry.RespondAsync(stream, 200, blob, cancellationToken, "Content-Type: application/octet-stream")
                : FakeRegistry.RespondAsync(stream, 404, "{}", cancellationToken);
        }
    }
}
