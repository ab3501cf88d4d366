using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

/// <summary>The stats streams (SSE): a workload's, every workload's, the workspace's.</summary>
public sealed class StatsStreamTests
{
    private const string Ws = "ws_abc123";

    private static FakeHandler Sse(string body) => new((_, _) => Task.FromResult(FakeHandler.Streamed(body, "text/event-stream", chunk: 5)));

    /// <summary>A sample as the server's event: <c>{type: "stats", ...figures}</c> on one data line.</summary>
    private static string Flat(string stats) => "data: {\"type\":\"stats\"," + OneLine(stats)[1..] + "\n\n";

    private static string OneLine(string json) => string.Join(' ', json.Split('\n').Select(l => l.Trim()));

    [Fact]
    public async Task A_workloads_stream_passes_the_interval_and_reads_each_sample()
    {
        var handler = Sse(": subscribed\n\n" + Flat(WorkloadSamples.Stats(cpu: 1.5)) + ": heartbeat\n\n" + Flat(WorkloadSamples.Stats(cpu: 99)));
        using var client = TestClients.Create(handler);

        var samples = await client.Workspaces.Workloads.StreamStatsAsync(Ws, "api", TimeSpan.FromMilliseconds(4500)).ToListAsync().AsTask().Within();

        Assert.Equal("/workspace/ws_abc123/workloads/api/stats/stream?interval=5", handler.Single.PathAndQuery);
        Assert.Equal("text/event-stream", handler.Single.Header("Accept"));
        Assert.Equal([1.5, 99.0], samples.Select(s => s.CpuPercent));
        Assert.All(samples, s => Assert.Equal("wl_abc1234567", s.Id));
    }

    [Fact]
    public async Task The_all_workloads_stream_reads_flat_and_wrapped_events_and_skips_other_types()
    {
        var body = Flat(WorkloadSamples.Stats("wl_a", "a"))
            + "data: {\"type\":\"ping\"}\n\n"
            + "data: {\"type\":\"stats\",\"stats\":[" + OneLine(WorkloadSamples.Stats("wl_b", "b")) + "," + OneLine(WorkloadSamples.Stats("wl_c", "c")) + "]}\n\n"
            + "data: [DONE]\n\n";
        var handler = Sse(body);
        using var client = TestClients.Create(handler);

        var samples = await client.Workspaces.Workloads.StreamAllStatsAsync(Ws).ToListAsync().AsTask().Within();

        Assert.Equal("/workspace/ws_abc123/workloads/stats/stream", handler.Single.PathAndQuery);
        Assert.Equal(["a", "b", "c"], samples.Select(s => s.Name));
    }

    [Fact]
    public async Task The_workspace_stream_reads_workspace_stats()
    {
        var handler = Sse(Flat(WorkloadSamples.WorkspaceStats) + ": heartbeat\n\n");
        using var client = TestClients.Create(handler);

        var samples = await client.Workspaces.Metrics.StreamStatsAsync(Ws, TimeSpan.FromSeconds(2)).ToListAsync().AsTask().Within();

        Assert.Equal("/workspace/ws_abc123/stats/stream?interval=2", handler.Single.PathAndQuery);
        var sample = Assert.Single(samples);
        Assert.Equal((25.5, 1572864L), (sample.CpuUsage, sample.NetworkInBytes));
    }

    [Fact]
    public async Task An_event_that_is_not_stats_json_is_an_invalid_response()
    {
        using var client = TestClients.Create(Sse("data: {\"type\":\"stats\",\"cpu_percent\":\"lots\"}\n\n"));

        var error = await Assert.ThrowsAsync<HearthApiException>(() => client.Workspaces.Workloads.StreamStatsAsync(Ws, "api").ToListAsync().AsTask().Within());

        Assert.Equal(HearthApiException.InvalidResponseCode, error.Code);
    }
}
