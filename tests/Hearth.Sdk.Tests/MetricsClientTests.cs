using System.Net;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

/// <summary>The workspace's stats, info and config (<c>/workspace/{id}/stats|info|config</c>).</summary>
public sealed class MetricsClientTests
{
    private const string Ws = "ws_abc123";

    [Fact]
    public async Task Stats_reads_the_camel_case_figures_out_of_the_envelope()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, $$"""{ "success": true, "stats": {{WorkloadSamples.WorkspaceStats}} }""");
        using var client = TestClients.Create(handler);

        var stats = await client.Workspaces.Metrics.StatsAsync(Ws).Within();

        Assert.Equal((HttpMethod.Get, "/workspace/ws_abc123/stats"), (handler.Single.Method, handler.Single.PathAndQuery));
        Assert.Equal(("running", 25.5, 819.2, 2048.0), (stats.Status, stats.CpuUsage, stats.MemoryUsedMb, stats.MemoryTotalMb));
        Assert.Equal((1073741824L, 10737418240L), (stats.GuestDiskUsed, stats.GuestDiskTotal));
        Assert.Equal(("1.5 MB", 1572864L, 204800L), (stats.NetworkIn, stats.NetworkInBytes, stats.NetworkOutBytes));
        Assert.Equal((3600.0, 17L, 10.0), (stats.Uptime, stats.ApiCalls, stats.DiskUsage));
    }

    [Fact]
    public async Task Stats_without_stats_in_the_answer_is_an_invalid_response()
    {
        using var client = TestClients.Create(new FakeHandler(HttpStatusCode.OK, """{ "success": true }"""));

        var error = await Assert.ThrowsAsync<HearthApiException>(() => client.Workspaces.Metrics.StatsAsync(Ws).Within());

        Assert.Equal(HearthApiException.InvalidResponseCode, error.Code);
    }

    [Fact]
    public async Task Info_and_config_return_the_answer_as_it_came()
    {
        var handler = FakeHandler.Routes(
            ("GET /workspace/ws_abc123/info", HttpStatusCode.OK, """{ "success": true, "info": { "kernel": "6.1" } }"""),
            ("GET /workspace/ws_abc123/config", HttpStatusCode.OK, """{ "success": true, "cpus": 2, "memory_mb": 2048 }"""));
        using var client = TestClients.Create(handler);

        var info = await client.Workspaces.Metrics.InfoAsync(Ws).Within();
        var config = await client.Workspaces.Metrics.ConfigAsync(Ws).Within();

        Assert.Equal("6.1", info.GetProperty("info").GetProperty("kernel").GetString());
        Assert.Equal(2, config.GetProperty("cpus").GetInt32());
        Assert.Equal(["/workspace/ws_abc123/info", "/workspace/ws_abc123/config"], handler.Requests.Select(r => r.PathAndQuery));
    }
}
