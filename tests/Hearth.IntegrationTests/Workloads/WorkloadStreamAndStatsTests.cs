using System.Diagnostics;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Protocol.Workloads;
using Hearth.Sdk;
using Xunit.Abstractions;
using static Hearth.IntegrationTests.Workloads.WorkloadSdk;

namespace Hearth.IntegrationTests.Workloads;

/// <summary>The log stream under load, and stats that follow what a workload does.</summary>
public sealed class WorkloadStreamAndStatsTests(HearthdFixture fixture, ITestOutputHelper output) : IClassFixture<HearthdFixture>
{
    /// <summary>10 MB/s for 3 s: 30 batches of 10,000 lines of 100 bytes, one batch every 0.1 s.</summary>
    private const string Writer =
        "awk 'BEGIN { for (s = 0; s < 30; s++) { for (i = 0; i < 10000; i++) printf \"line-%07d %090d\\n\", s * 10000 + i, 0; fflush(); system(\"sleep 0.1\") } }'";

    private const int Lines = 300_000;

    [Fact]
    public async Task The_log_stream_loses_no_line_of_a_10_MB_per_second_writer()
    {
        var hearthd = fixture.Hearthd;
        var id = await hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        using var client = Client(hearthd);
        var workloads = client.Workspaces.Workloads;
        // Room for all 30 MB: a loss could only be the pipeline's, never retention's.
        await workloads.CreateAsync(id, new WorkloadSpec
        {
            Name = "writer",
            Cmd = ["sh", "-c", Writer],
            RestartPolicy = WorkloadRestartPolicy.No,
            AutoStart = false,
            MaxLogSizeMb = 64,
        }).Within();

        var expected = 0L;
        var duplicates = 0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stream = workloads.StreamLogsAsync(id, "writer", since: 0, cancellationToken: stop.Token).GetAsyncEnumerator(stop.Token);
        var started = false;
        while (expected < Lines)
        {
            var moved = stream.MoveNextAsync().AsTask();
            if (!started)
            {
                // Subscribed (the request is out): now the writer may start.
                started = true;
                await Task.Delay(200);
                await workloads.StartAsync(id, "writer").Within();
                clock.Restart();
            }

            Assert.True(await moved, $"the stream ended after {expected} lines");
            var item = stream.Current;
            Assert.NotEqual(WorkloadLogLineKind.Gap, item.Kind);
            if (item.Kind != WorkloadLogLineKind.Line || item.Stream != "stdout") continue;
            var number = long.Parse(item.Line.AsSpan(5, 7), System.Globalization.CultureInfo.InvariantCulture);
            if (number < expected) { duplicates++; continue; }
            Assert.Equal(expected, number);
            expected++;
        }

        await stream.DisposeAsync();
        output.WriteLine($"{Lines} lines (30 MB) received in {clock.Elapsed.TotalSeconds:0.00} s ({30 / clock.Elapsed.TotalSeconds:0.0} MB/s)");
        Assert.Equal(0, duplicates);
        await hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create);
    }

    [Fact]
    public async Task A_workspace_has_at_most_16_log_streams_open_and_a_closed_one_frees_its_slot()
    {
        var hearthd = fixture.Hearthd;
        var id = await hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        using var client = Client(hearthd);
        await client.Workspaces.Workloads.CreateAsync(id, new WorkloadSpec { Name = "quiet", Cmd = ["sleep", "4720"] }).Within();
        var url = $"{hearthd.ApiUrl}/workspace/{id}/workloads/quiet/logs/stream";

        var open = new List<HttpResponseMessage>();
        for (var i = 0; i < 16; i++)
        {
            var response = await hearthd.Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).Within();
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            open.Add(response);
        }

        var refused = await hearthd.Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).Within();
        Assert.Equal((System.Net.HttpStatusCode)429, refused.StatusCode);
        Assert.Contains("too_many_streams", await refused.Content.ReadAsStringAsync());
        open[0].Dispose();
        // hearthd notices the closed request, ends that stream and frees its slot.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpResponseMessage again;
        while ((again = await hearthd.Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).Within()).StatusCode != System.Net.HttpStatusCode.OK)
        {
            again.Dispose();
            Assert.True(DateTime.UtcNow < deadline, "the slot of a closed stream was not freed within 10 s");
            await Task.Delay(200);
        }
        again.Dispose();
        foreach (var response in open) response.Dispose();
        await hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create);
    }

    [Fact]
    public async Task Stats_follow_a_workload_that_burns_cpu()
    {
        var hearthd = fixture.Hearthd;
        var id = await hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        using var client = Client(hearthd);
        var workloads = client.Workspaces.Workloads;
        await workloads.CreateAsync(id, new WorkloadSpec { Name = "burner", Cmd = ["sh", "-c", "while :; do :; done"] }).Within();
        await workloads.CreateAsync(id, new WorkloadSpec { Name = "idler", Cmd = ["sleep", "4717"] }).Within();
        await Task.Delay(1000);

        var burner = await workloads.StatsAsync(id, "burner").Within();
        var idler = await workloads.StatsAsync(id, "idler").Within();
        output.WriteLine($"burner {burner.CpuPercent} % rss {burner.RssBytes}; idler {idler.CpuPercent} % rss {idler.RssBytes}");

        // A clear share of a core even when other tests load this 2-core machine; sleep reads 0.
        Assert.True(burner.CpuPercent > 10, $"a busy loop used {burner.CpuPercent} % of a core");
        Assert.True(idler.CpuPercent < 5, $"sleep used {idler.CpuPercent} % of a core");
        Assert.True(burner.RssBytes > 0 && idler.RssBytes > 0);
        Assert.True(burner.UptimeSeconds >= 1);
        Assert.Equal(1, idler.Processes);

        await workloads.StopAsync(id, "burner", TimeSpan.FromSeconds(2)).Within();
        var stopped = await workloads.StatsAsync(id, "burner").Within();
        Assert.Equal("stopped", stopped.Status);
        Assert.Equal(0, stopped.CpuPercent);
        Assert.Null(stopped.Pid);
        await hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create);
    }
}
