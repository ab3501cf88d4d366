using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Metrics;

/// <summary><c>GET /workspace/:id/stats/stream</c>: events at the interval, the 15 s heartbeat, and its end with the workspace.</summary>
public sealed class StatsStreamTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Events_come_at_the_interval_and_carry_the_cpu_used_between_them()
    {
        using var workspace = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd, """{"image":"busybox","cpus":1}""");
        await workspace.ShAsync("(while :; do :; done) </dev/null >/dev/null 2>&1 &");
        await using var stream = await StatsEventStream.OpenAsync(Hearthd, workspace.WorkspaceId, "?interval=1");

        var events = new List<StatsBlock>();
        for (var i = 0; i < 5; i++)
            events.Add(await stream.NextEventAsync(TimeSpan.FromSeconds(10)));

        for (var i = 1; i < events.Count; i++)
        {
            // The server's own times: when the client reads them depends on a loaded machine's scheduling.
            var gap = events[i].Data!.Value.GetProperty("timestamp").GetDateTimeOffset() - events[i - 1].Data!.Value.GetProperty("timestamp").GetDateTimeOffset();
            Assert.True(gap > TimeSpan.FromSeconds(0.9) && gap < TimeSpan.FromSeconds(2.5), $"event {i} was measured {gap} after the one before");
        }
        var last = events[^1].Data!.Value;
        Assert.Equal("running", last.GetProperty("status").GetString());
        Assert.True(last.GetProperty("cpu_usage").GetDouble() >= 30, $"a busy loop of a one-core workspace: {last}");
        Assert.True(last.GetProperty("guestMemoryUsed").GetInt64() > 0, last.ToString());
        Assert.True(last.TryGetProperty("network", out _), last.ToString());
    }

    [Fact]
    public async Task The_default_interval_is_five_seconds()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        await using var stream = await StatsEventStream.OpenAsync(Hearthd, id);

        var first = await stream.NextEventAsync(TimeSpan.FromSeconds(10));
        var second = await stream.NextEventAsync(TimeSpan.FromSeconds(10));

        var gap = second.At - first.At;
        Assert.True(gap > TimeSpan.FromSeconds(4.5) && gap < TimeSpan.FromSeconds(7), $"the second event came {gap} after the first");
    }

    [Fact]
    public async Task A_quiet_stream_sends_a_heartbeat_comment_every_15_seconds()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        await using var stream = await StatsEventStream.OpenAsync(Hearthd, id, "?interval=60");
        var first = await stream.NextEventAsync(TimeSpan.FromSeconds(10));

        // With a 60 s interval nothing but the heartbeat can come next.
        var next = await stream.NextAsync(TimeSpan.FromSeconds(20));

        Assert.NotNull(next);
        Assert.Equal("heartbeat", next.Comment);
        Assert.Null(next.Data);
        Assert.InRange(next.At.TotalSeconds, 14, 16.5);
        Assert.True(next.At > first.At);
    }

    [Fact]
    public async Task The_stream_ends_when_the_workspace_stops()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        await using var stream = await StatsEventStream.OpenAsync(Hearthd, id, "?interval=60");
        await stream.NextEventAsync(TimeSpan.FromSeconds(10));

        (await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create)).EnsureStatus(HttpStatusCode.OK);

        Assert.Null(await stream.NextAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task The_stream_ends_when_the_workspace_is_deleted()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        await using var stream = await StatsEventStream.OpenAsync(Hearthd, id, "?interval=60");
        await stream.NextEventAsync(TimeSpan.FromSeconds(10));

        (await Hearthd.DeleteAsync($"/workspace/{id}").Within(Bounded.Create)).EnsureStatus(HttpStatusCode.OK);

        Assert.Null(await stream.NextAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_stopped_workspace_has_no_stream_but_its_stats()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        (await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create)).EnsureStatus(HttpStatusCode.OK);

        ApiAssert.Error(await Hearthd.GetAsync($"/workspace/{id}/stats/stream").Within(), HttpStatusCode.Conflict, "workspace_not_running");
        var stats = await StatsProbe.StatsAsync(Hearthd, id);
        Assert.Equal("stopped", stats.GetProperty("status").GetString());
        Assert.Equal(0, stats.GetProperty("cpuUsage").GetDouble());

        (await Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create)).EnsureStatus(HttpStatusCode.OK);
        await using var stream = await StatsEventStream.OpenAsync(Hearthd, id, "?interval=1");
        Assert.Equal("running", (await stream.NextEventAsync(TimeSpan.FromSeconds(10))).Data!.Value.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("301")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("soon")]
    public async Task A_bad_interval_is_a_400_naming_interval(string interval)
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);

        var response = await Hearthd.GetAsync($"/workspace/{id}/stats/stream?interval={interval}").Within();

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(response, "interval");
    }
}
