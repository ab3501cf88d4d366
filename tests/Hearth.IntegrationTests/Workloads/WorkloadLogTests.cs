using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;
using Xunit.Abstractions;

namespace Hearth.IntegrationTests.Workloads;

/// <summary>
/// A workload's log over HTTP: tail, config, clear, and the SSE stream — its latency, and that
/// history followed by the stream (or a resumed stream) neither loses nor repeats a line.
/// </summary>
public sealed class WorkloadLogTests(WorkloadWorkspaceFixture fixture, ITestOutputHelper output) : IClassFixture<WorkloadWorkspaceFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;
    private string Workloads => fixture.Workloads;

    [Fact]
    public async Task Logs_return_the_last_lines_as_text_and_entries_with_the_cursor_to_continue_at()
    {
        await fixture.CreateAsync("""{"name":"printer","cmd":"sleep 0.3; for i in 1 2 3 4 5; do echo line$i; done; sleep 0.3; echo oops >&2; sleep 1000"}""");
        var all = await fixture.WaitForLogsAsync("printer", e => WorkloadWait.Lines(e, "stderr").Contains("oops"));
        Assert.Equal(["line1", "line2", "line3", "line4", "line5"], WorkloadWait.Lines(all.GetProperty("entries").EnumerateArray()));

        var tail = await Hearthd.GetAsync($"{Workloads}/printer/logs?tail=2").Within();
        ApiAssert.Status(tail, HttpStatusCode.OK);
        var entries = tail.Json.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(("stdout", "line5"), (entries[0].GetProperty("stream").GetString(), entries[0].GetProperty("line").GetString()));
        Assert.Equal(("stderr", "oops"), (entries[1].GetProperty("stream").GetString(), entries[1].GetProperty("line").GetString()));
        var text = tail.Json.GetProperty("logs").GetString()!;
        Assert.Matches(@"^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] stdout: line5\n\[[^\]]+\] stderr: oops\n$", text);
        Assert.True(entries[1].GetProperty("cursor").GetInt64() > entries[0].GetProperty("cursor").GetInt64());
        Assert.True(tail.Json.GetProperty("cursor").GetInt64() > entries[1].GetProperty("cursor").GetInt64());
        Assert.Equal(all.GetProperty("cursor").GetInt64(), tail.Json.GetProperty("cursor").GetInt64());

        // since=<a line's cursor> starts exactly at that line.
        var since = await Hearthd.GetAsync($"{Workloads}/printer/logs?since={entries[0].GetProperty("cursor").GetInt64()}").Within();
        Assert.Equal(["line5", "oops"], since.Json.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("line").GetString()));

        var none = await Hearthd.GetAsync($"{Workloads}/printer/logs?tail=0").Within();
        Assert.Empty(none.Json.GetProperty("entries").EnumerateArray());
        Assert.Equal(all.GetProperty("cursor").GetInt64(), none.Json.GetProperty("cursor").GetInt64());

        foreach (var bad in new[] { "tail=-1", "tail=10001", "since=x" })
            ApiAssert.Error(await Hearthd.GetAsync($"{Workloads}/printer/logs?{bad}").Within(), HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task Config_describes_the_log_and_clear_empties_it_keeping_the_cursor()
    {
        await fixture.CreateAsync("""{"name":"cleared","cmd":"echo before-clear; sleep 1000","max_log_size_mb":5,"log_retention_hours":48}""");
        var logs = await fixture.WaitForLogsAsync("cleared", e => WorkloadWait.Lines(e).Contains("before-clear"));

        var config = await Hearthd.GetAsync($"{Workloads}/cleared/logs/config").Within();
        ApiAssert.Status(config, HttpStatusCode.OK);
        var c = config.Json;
        Assert.Equal((5, 48), (c.GetProperty("max_log_size_mb").GetInt32(), c.GetProperty("log_retention_hours").GetInt32()));
        Assert.True(c.GetProperty("stored_bytes").GetInt64() > 0, config.Body);
        Assert.Equal(0, c.GetProperty("dropped_lines").GetInt64());
        Assert.Equal(logs.GetProperty("cursor").GetInt64(), c.GetProperty("next_cursor").GetInt64());
        Assert.StartsWith("/var/log/hearth/workloads/", c.GetProperty("path").GetString(), StringComparison.Ordinal);

        var cleared = await Hearthd.DeleteAsync($"{Workloads}/cleared/logs").Within();
        ApiAssert.Status(cleared, HttpStatusCode.OK);
        Assert.True(cleared.Json.GetProperty("cleared").GetBoolean());
        Assert.Equal(c.GetProperty("next_cursor").GetInt64(), cleared.Json.GetProperty("cursor").GetInt64());

        var after = await Hearthd.GetAsync($"{Workloads}/cleared/logs").Within();
        Assert.DoesNotContain("before-clear", WorkloadWait.Lines(after.Json.GetProperty("entries").EnumerateArray()));
        Assert.Equal(cleared.Json.GetProperty("cursor").GetInt64(), after.Json.GetProperty("cursor").GetInt64());
    }

    [Fact]
    public async Task The_stream_delivers_a_line_written_after_subscribing_within_100_ms_of_its_timestamp()
    {
        await fixture.CreateAsync("""{"name":"ticker","cmd":"i=0; while :; do i=$((i+1)); echo tick$i; sleep 0.2; done"}""");
        await fixture.WaitForLogsAsync("ticker", e => WorkloadWait.Lines(e).Contains("tick1"));

        await using var stream = await SseEventStream.OpenAsync(Hearthd, $"{Workloads}/ticker/logs/stream");
        var subscribed = DateTimeOffset.UtcNow;
        var events = await stream.WaitUntilAsync(e => e.Count(x => x.Data.TryGetProperty("line", out _)) >= 20, TimeSpan.FromSeconds(15), "20 ticks");

        var lines = events.Where(e => e.Data.TryGetProperty("line", out _)).Take(20).ToList();
        // The stream starts at the end: no line from before it subscribed (those are 200 ms apart;
        // the margin covers the moment between the agent's start and the opening comment's arrival).
        Assert.All(lines, l => Assert.True(l.Data.GetProperty("timestamp").GetDateTimeOffset() >= subscribed.AddMilliseconds(-150), $"{l.Data} before {subscribed:O}"));
        var latencies = lines.Select(l => (l.ReceivedAt - l.Data.GetProperty("timestamp").GetDateTimeOffset()).TotalMilliseconds).Order().ToList();
        var all = string.Join(", ", latencies.Select(l => l.ToString("F1", CultureInfo.InvariantCulture)));
        output.WriteLine($"log stream latency (agent read -> client), 20 lines: median {latencies[10]:F1} ms, 95th {latencies[18]:F1} ms, max {latencies[19]:F1} ms");
        // Each line within 100 ms; one of the 20 may miss it on a loaded machine (the test
        // machine runs other suites beside this one), none by much.
        Assert.True(latencies[18] < 100 && latencies[19] < 500, $"latencies {all} ms");
        foreach (var l in lines)
        {
            Assert.Equal(l.Line, l.Data.GetProperty("data").GetString());
            Assert.Equal(l.Line, l.Data.GetProperty("message").GetString());
            Assert.Equal("stdout", l.Data.GetProperty("stream").GetString());
        }
        // Each id is the cursor after its line: the next line's cursor.
        for (var i = 1; i < lines.Count; i++)
            Assert.Equal(long.Parse(lines[i - 1].Id!, CultureInfo.InvariantCulture), lines[i].Cursor);
        await Hearthd.DeleteAsync($"{Workloads}/ticker?timeout=0").Within();
    }

    [Fact]
    public async Task History_then_the_stream_from_its_cursor_has_no_gap_and_no_repeat_and_last_event_id_resumes_exactly()
    {
        await fixture.CreateAsync("""{"name":"counter","cmd":"i=0; while :; do i=$((i+1)); echo $i; sleep 0.005; done"}""");
        var history = await fixture.WaitForLogsAsync("counter", e => WorkloadWait.Lines(e).Count >= 50, "?tail=50");
        var last = int.Parse(WorkloadWait.Lines(history.GetProperty("entries").EnumerateArray()).Last(), CultureInfo.InvariantCulture);
        var cursor = history.GetProperty("cursor").GetInt64();

        string resumeId;
        int resumeAfter;
        await using (var stream = await SseEventStream.OpenAsync(Hearthd, $"{Workloads}/counter/logs/stream?since={cursor}"))
        {
            var events = await stream.WaitUntilAsync(e => e.Count >= 200, TimeSpan.FromSeconds(20), "200 lines");
            var numbers = events.Take(200).Select(e => int.Parse(e.Line, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(last + 1, 200), numbers);
            Assert.Equal(cursor, events[0].Cursor);
            resumeId = events[99].Id!;
            resumeAfter = numbers[99];
        }

        await using var resumed = await SseEventStream.OpenAsync(Hearthd, $"{Workloads}/counter/logs/stream", lastEventId: resumeId);
        var again = await resumed.WaitUntilAsync(e => e.Count >= 50, TimeSpan.FromSeconds(20), "50 lines after the resume");
        Assert.Equal(Enumerable.Range(resumeAfter + 1, 50), again.Take(50).Select(e => int.Parse(e.Line, CultureInfo.InvariantCulture)));
        Assert.Equal(long.Parse(resumeId, CultureInfo.InvariantCulture), again[0].Cursor);
        await Hearthd.DeleteAsync($"{Workloads}/counter?timeout=0").Within();
    }

    [Fact]
    public async Task Tail_replays_lines_first()
    {
        await fixture.CreateAsync("""{"name":"replay","cmd":"sleep 0.3; echo one; echo two; echo three; sleep 1000"}""");
        await fixture.WaitForLogsAsync("replay", e => WorkloadWait.Lines(e).Contains("three"));

        await using var stream = await SseEventStream.OpenAsync(Hearthd, $"{Workloads}/replay/logs/stream?tail=2");
        var replayed = await stream.WaitUntilAsync(e => e.Count >= 2, TimeSpan.FromSeconds(5), "2 replayed lines");

        Assert.Equal(["two", "three"], replayed.Take(2).Select(e => e.Line));
    }

    [Fact]
    public async Task A_clear_while_following_shows_up_in_the_stream_and_lines_go_on_after_it()
    {
        await fixture.CreateAsync("""{"name":"clear-live","cmd":"echo first; sleep 1.5; echo after-clear; sleep 1000"}""");
        await fixture.WaitForLogsAsync("clear-live", e => WorkloadWait.Lines(e).Contains("first"));
        await using var stream = await SseEventStream.OpenAsync(Hearthd, $"{Workloads}/clear-live/logs/stream?tail=1");
        await stream.WaitUntilAsync(e => e.Count >= 1, TimeSpan.FromSeconds(5), "the replayed line");

        var cleared = await Hearthd.DeleteAsync($"{Workloads}/clear-live/logs").Within();

        ApiAssert.Status(cleared, HttpStatusCode.OK);
        var events = await stream.WaitUntilAsync(e => e.Any(x => x.Data.TryGetProperty("cleared", out _)) && e.Any(x => x.Data.TryGetProperty("line", out _) && x.Line == "after-clear"),
            TimeSpan.FromSeconds(5), "a cleared event, then the next line");
        var mark = events.First(x => x.Data.TryGetProperty("cleared", out _));
        Assert.True(mark.Data.GetProperty("cleared").GetBoolean());
        Assert.Equal(cleared.Json.GetProperty("cursor").GetInt64(), mark.Data.GetProperty("cursor").GetInt64());
        var order = events.ToList();
        Assert.True(order.IndexOf(mark) < order.FindIndex(x => x.Data.TryGetProperty("line", out _) && x.Line == "after-clear"), "the mark comes before the next line");
    }

    [Fact]
    public async Task A_writer_as_fast_as_seq_loses_no_line_in_the_stream()
    {
        const int Count = 1_000_000; // seq 1 1000000: 6.9 MB
        await fixture.CreateAsync($$"""{"name":"firehose","cmd":["/bin/sh","-c","seq 1 {{Count}}; sleep 1000"],"auto_start":false,"max_log_size_mb":200}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Workloads}/firehose/logs/stream");
        using var response = await Hearthd.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).Within();
        ApiAssert.Status(new ApiResponse(response.StatusCode, ""), HttpStatusCode.OK);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync().Within());
        Assert.StartsWith(": ", await reader.ReadLineAsync().Within());

        var clock = Stopwatch.StartNew();
        var cpuBefore = CpuSeconds(Hearthd.Pid);
        ApiAssert.Status(await Hearthd.PostAsync($"{Workloads}/firehose/start").Within(), HttpStatusCode.OK);
        var expected = 1;
        DateTimeOffset? first = null, lastStamp = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (expected <= Count && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            using var json = JsonDocument.Parse(line.AsMemory(6));
            if (json.RootElement.GetProperty("stream").GetString() != "stdout") continue;
            var number = int.Parse(json.RootElement.GetProperty("line").GetString()!, CultureInfo.InvariantCulture);
            Assert.True(number == expected, $"expected line {expected}, got {number}");
            var stamp = json.RootElement.GetProperty("timestamp").GetDateTimeOffset();
            first ??= stamp;
            lastStamp = stamp;
            expected++;
        }
        var elapsed = clock.Elapsed;

        Assert.Equal(Count + 1, expected);
        var written = (lastStamp!.Value - first!.Value).TotalSeconds;
        output.WriteLine($"{Count} lines (6.9 MB): written by the workload in {written:F2} s ({6.9 / Math.Max(written, 0.001):F1} MB/s), "
            + $"all received in order in {elapsed.TotalSeconds:F2} s; hearthd used {CpuSeconds(Hearthd.Pid) - cpuBefore:F2} s of CPU");
        await Hearthd.DeleteAsync($"{Workloads}/firehose?timeout=0").Within();
    }

    /// <summary>User and system CPU time of a process (proc(5): utime and stime, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
