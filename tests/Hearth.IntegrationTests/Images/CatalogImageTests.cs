using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Runtime.Images;
using Hearth.Testing;
using Xunit.Abstractions;

namespace Hearth.IntegrationTests.Images;

/// <summary>hearthd prebuilding every catalogue image into the shared test image cache.</summary>
public sealed class CatalogPrebuildFixture : HearthdFixture
{
    public static readonly string[] Names =
        ["busybox", "debian-12", "debian-13", "node-20", "node-22", "python-3.11", "python-3.13", "postgres-15", "postgres-16", "postgres-17", "redis-7"];

    protected override string[] Flags => ["--prebuild-images", string.Join(',', Names)];
}

/// <summary>
/// Every catalogue image through hearthd: built (the first run of the suite builds them all,
/// ~10 minutes on 2 cores), listed with the versions inside and its layers, and booted with its
/// headline command working; the postgres images serve psql from another workspace.
/// </summary>
public sealed class CatalogImageTests(CatalogPrebuildFixture fixture, ITestOutputHelper output) : IClassFixture<CatalogPrebuildFixture>
{

    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Every_catalogue_image_is_listed_ready_with_the_versions_inside()
    {
        foreach (var name in CatalogPrebuildFixture.Names)
        {
            var image = await WaitForImageAsync(name);
            var software = Software(image);
            output.WriteLine($"{name}: {string.Join(", ", software)}; {image.GetProperty("size_bytes").GetInt64() / 1048576} MiB");
            Assert.Equal("catalog", image.GetProperty("source").GetString());
            Assert.NotEmpty(software);
            Assert.All(software, s => Assert.Matches(@"^[a-z0-9.-]+ \d[^ ]*$", s));
            Assert.Equal(CatalogLayerCache.Image(name).Layers.Count, Layers(image).Count);
        }
    }

    [Fact]
    public async Task Images_on_one_Debian_share_its_base_layer_on_disk()
    {
        var images = new Dictionary<string, JsonElement>();
        foreach (var name in CatalogPrebuildFixture.Names) images[name] = await WaitForImageAsync(name);

        var bookworm = Layers(images["debian-12"]).Single();
        foreach (var name in new[] { "python-3.11", "postgres-15", "postgres-16", "redis-7" })
            Assert.Equal(bookworm, Layers(images[name])[0]);
        var trixie = Layers(images["debian-13"]).Single();
        foreach (var name in new[] { "node-20", "node-22", "python-3.13", "postgres-17" })
            Assert.Equal(trixie, Layers(images[name])[0]);

        var layersDir = Path.Combine(RepositoryPaths.TestImages, "layers");
        var ids = images.Values.SelectMany(Layers).Distinct().ToList();
        var onDisk = ids.Sum(id => LayerTree.SizeOf(Path.Combine(layersDir, id, "tree")));
        var asCopies = images.Values.Sum(i => i.GetProperty("size_bytes").GetInt64());
        output.WriteLine($"{images.Count} images, {ids.Count} layers: {LayerTree.Describe(onDisk)} on disk against {LayerTree.Describe(asCopies)} as full copies ({(double)asCopies / onDisk:0.0}x)");
        Assert.True(onDisk * 2 < asCopies, $"{onDisk} on disk, {asCopies} as copies");
    }

    [Theory]
    [InlineData("busybox", "busybox | head -n 1", @"^BusyBox v1\.")]
    [InlineData("debian-12", "cat /etc/debian_version && curl --version && git --version", @"^12\.\d+\ncurl 7\.")]
    [InlineData("debian-13", "cat /etc/debian_version && curl --version && git --version", @"^13\.\d+\ncurl 8\.")]
    [InlineData("node-20", "node --version && npm --version && psql --version", @"^v20\.\d+\.\d+\n\d+\.\d+\.\d+\npsql")]
    [InlineData("node-22", "node --version && npm --version && psql --version", @"^v22\.\d+\.\d+\n10\.\d+\.\d+\npsql")]
    [InlineData("python-3.11", PythonHeadline, @"^imports ok 3\.11\.\d+\npip ")]
    [InlineData("python-3.13", PythonHeadline, @"^imports ok 3\.13\.\d+\npip ")]
    public async Task A_workspace_of_the_image_runs_its_headline_command(string name, string script, string expected)
    {
        await WaitForImageAsync(name);
        var id = await Hearthd.CreateWorkspaceAsync($$"""{"image":"{{name}}"}""").Within(Bounded.Create);
        var result = await Hearthd.ShAsync(id, script).Within();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(expected, result.Stdout);
        await AssertSoftwareMatchesAsync(name, id);
    }

    private const string PythonHeadline = """
        python3 -c "import ssl, sqlite3, venv, sys; print('imports ok %d.%d.%d' % sys.version_info[:3])" && python3 -m venv /tmp/v && /tmp/v/bin/pip --version
        """;

    [Theory]
    [InlineData("postgres-15", "15")]
    [InlineData("postgres-16", "16")]
    [InlineData("postgres-17", "17")]
    public async Task A_postgres_workspace_serves_psql_locally_and_to_an_admitted_workspace(string name, string major)
    {
        await WaitForImageAsync(name);
        await WaitForImageAsync("node-20");
        var client = await Hearthd.CreateWorkspaceAsync("""{"image":"node-20"}""").Within(Bounded.Create);
        var clientIp = await AddressOfAsync(client);
        var server = await Hearthd.CreateWorkspaceAsync($"{{\"image\":\"{name}\",\"config\":{{\"ingress\":[\"{clientIp}\"]}}}}").Within(Bounded.Create);
        var serverIp = await AddressOfAsync(server);

        // The image's default command started the server (first start: initdb on the workspace disk).
        var local = await Hearthd.ShAsync(server, """
            for i in $(seq 1 120); do psql -h 127.0.0.1 -U postgres -Atc 'select 1' > /dev/null 2>&1 && break; sleep 0.5; done
            psql -h 127.0.0.1 -U postgres -Atc 'select version()' && psql -U postgres -Atc 'select current_user' && cat /var/lib/postgresql/data/PG_VERSION
            """).Within(TimeSpan.FromMinutes(2));
        Assert.True(local.ExitCode == 0, local.ToString());
        Assert.Matches($@"^PostgreSQL {major}\.\d+ .*\npostgres\n{major}\n$", local.Stdout);

        var remote = await Hearthd.ShAsync(client, $"psql -h {serverIp} -U postgres -Atc 'select inet_server_addr(), current_user'").Within();
        Assert.True(remote.ExitCode == 0, remote.ToString());
        Assert.Equal($"{serverIp}|postgres", remote.Stdout.Trim());
        await AssertSoftwareMatchesAsync(name, server);
    }

    [Fact]
    public async Task A_redis_workspace_answers_ping_from_its_default_command()
    {
        await WaitForImageAsync("redis-7");
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"redis-7"}""").Within(Bounded.Create);
        var result = await Hearthd.ShAsync(id, """
            for i in $(seq 1 60); do [ "$(redis-cli ping 2>/dev/null)" = PONG ] && break; sleep 0.5; done
            redis-cli ping && redis-cli config get dir | tail -n 1
            """).Within();
        Assert.Equal("PONG\n/var/lib/redis\n", result.Stdout);
        await AssertSoftwareMatchesAsync("redis-7", id);
    }

    /// <summary>Every software entry of the list is what runs in the workspace: its probe's output there.</summary>
    private async Task AssertSoftwareMatchesAsync(string name, string workspaceId)
    {
        var listed = Software(await WaitForImageAsync(name));
        var probe = await Hearthd.ShAsync(workspaceId, CatalogLayerCache.Image(name).VersionProbe).Within();
        Assert.True(probe.ExitCode == 0, probe.ToString());
        Assert.Equal(listed, probe.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList());
    }

    private static List<string> Software(JsonElement image) =>
        [.. image.GetProperty("software").EnumerateArray().Select(s => s.GetString()!)];

    private static List<string> Layers(JsonElement image) =>
        [.. image.GetProperty("layers").EnumerateArray().Select(s => s.GetString()!)];

    private async Task<string> AddressOfAsync(string id)
    {
        var network = await Hearthd.GetAsync($"/workspace/{id}/network").Within();
        ApiAssert.Status(network, HttpStatusCode.OK);
        return network.Json.GetProperty("ip").GetString()!;
    }

    private Task<JsonElement> WaitForImageAsync(string name) => ImageWait.ForReadyAsync(Hearthd, name);
}
