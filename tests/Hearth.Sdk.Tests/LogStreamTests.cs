using System.IO.Pipelines;
using System.Net;
using System.Text;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

/// <summary>The log streams (SSE) of workloads and of the workspace, and "history, then stream".</summary>
public sealed class LogStreamTests
{
    private const string Ws = "ws_abc123";

    private static FakeHandler Sse(string body, int chunk = 3) => new((_, _) => Task.FromResult(FakeHandler.Streamed(body, "text/event-stream", chunk)));

    private static async Task<List<WorkloadLogLine>> Collect(IAsyncEnumerable<WorkloadLogLine> stream) => await stream.ToListAsync().AsTask().Within();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task Lines_ids_notices_and_heartbeats_are_read_whatever_the_reads_split(int chunk)
    {
        var body = ": subscribed\n\n"
            + WorkloadSamples.LineEvent("hello", cursor: 0, next: 31)
            + ": heartbeat\n\n"
            + WorkloadSamples.LineEvent("h\\u00e9 \\\"quoted\\\"", cursor: 31, next: 70, stream: "stderr")
            + "data: {\"cleared\":true,\"cursor\":70}\n\n"
            + "id: 200\r\ndata: {\"gap\":true,\"cursor\":200}\r\n\r\n"
            + WorkloadSamples.LineEvent("after", cursor: 200, next: 231, stream: "system");
        var handler = Sse(body, chunk);
        using var client = TestClients.Create(handler);

        var items = await Collect(client.Workspaces.Workloads.StreamLogsAsync(Ws, "api", tail: 5, since: 10));

        Assert.Equal("/workspace/ws_abc123/workloads/api/logs/stream?tail=5&since=10", handler.Single.PathAndQuery);
        Assert.Equal("text/event-stream", handler.Single.Header("Accept"));
        Assert.Equal(
            [
                (WorkloadLogLineKind.Line, "hello", "stdout", (long?)0, (long?)31),
                (WorkloadLogLineKind.Line, "hé \"quoted\"", "stderr", 31, 70),
                (WorkloadLogLineKind.Cleared, "", null, 70, null),
                (WorkloadLogLineKind.Gap, "", null, 200, 200),
                (WorkloadLogLineKind.Line, "after", "system", 200, 231),
            ],
            items.Select(i => (i.Kind, i.Line, i.Stream, i.Cursor, i.NextCursor)));
        Assert.Equal(DateTimeOffset.Parse("2026-11-29T18:00:01Z", System.Globalization.CultureInfo.InvariantCulture), items[0].Timestamp);
    }

    [Fact]
    public async Task Other_shapes_oblien_servers_send_are_read_too()
    {
        var body = "event: cleared\ndata: {}\n\n"
            + "id: 90\ndata: [{\"data\":\"one\",\"stream\":\"stdout\"},{\"message\":\"two\"}]\n\n"
            + "data: plain text line\n\n"
            + "data: \"a json string\"\n\n"
            + "data: \n\n"
            + "data: [DONE]\n\n";
        using var client = TestClients.Create(Sse(body));

        var items = await Collect(client.Workspaces.Workloads.StreamLogsAsync(Ws, "api"));

        Assert.Equal(
            [(WorkloadLogLineKind.Cleared, ""), (WorkloadLogLineKind.Line, "one"), (WorkloadLogLineKind.Line, "two"),
                (WorkloadLogLineKind.Line, "plain text line"), (WorkloadLogLineKind.Line, "a json string")],
            items.Select(i => (i.Kind, i.Line)));
        Assert.Equal([null, null, 90L, null, null], items.Select(i => i.NextCursor));
    }

    [Fact]
    public async Task Each_line_arrives_as_it_is_written_not_when_the_stream_ends()
    {
        var pipe = new Pipe();
        var handler = new FakeHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(pipe.Reader.AsStream()) }));
        using var client = TestClients.Create(handler);
        await using var items = client.Workspaces.Workloads.StreamLogsAsync(Ws, "api").GetAsyncEnumerator();

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(WorkloadSamples.LineEvent("first", 0, 31)));
        Assert.True(await items.MoveNextAsync().AsTask().Within());
        Assert.Equal("first", items.Current.Line);

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(WorkloadSamples.LineEvent("second", 31, 63)));
        Assert.True(await items.MoveNextAsync().AsTask().Within());
        Assert.Equal("second", items.Current.Line);

        await pipe.Writer.CompleteAsync();
        Assert.False(await items.MoveNextAsync().AsTask().Within());
    }

    [Fact]
    public async Task Cancelling_a_quiet_stream_ends_it_with_a_cancellation()
    {
        var pipe = new Pipe();
        var handler = new FakeHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(pipe.Reader.AsStream()) }));
        using var client = TestClients.Create(handler);
        using var cts = new CancellationTokenSource();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(WorkloadSamples.LineEvent("only", 0, 30)));

        var seen = new List<string>();
        var reading = Task.Run(async () =>
        {
            await foreach (var item in client.Workspaces.Workloads.StreamLogsAsync(Ws, "api", cancellationToken: cts.Token))
            {
                seen.Add(item.Line);
                await cts.CancelAsync();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.Within());
        Assert.Equal(["only"], seen);
    }

    [Fact]
    public async Task An_error_event_ends_the_stream_with_its_code()
    {
        using var client = TestClients.Create(Sse(WorkloadSamples.LineEvent("x", 0, 26)
            + "event: error\ndata: {\"success\":false,\"error\":\"workspace_not_running\",\"message\":\"the workspace stopped\"}\n\n"));

        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<HearthApiException>(async () =>
        {
            await foreach (var item in client.Workspaces.Workloads.StreamLogsAsync(Ws, "api").WithCancellation(CancellationToken.None))
            {
                seen.Add(item.Line);
            }
        }).Within();

        Assert.Equal(["x"], seen);
        Assert.Equal("workspace_not_running", error.Code);
        Assert.Contains("the workspace stopped", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_that_breaks_mid_stream_is_a_transient_network_error()
    {
        var body = Encoding.UTF8.GetBytes(WorkloadSamples.LineEvent("before", 0, 31) + "data: {\"line\":\"cut");
        var handler = new FakeHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new BreakingStream(body)) }));
        using var client = TestClients.Create(handler);

        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<HearthApiException>(async () =>
        {
            await foreach (var item in client.Workspaces.Workloads.StreamLogsAsync(Ws, "api"))
            {
                seen.Add(item.Line);
            }
        }).Within();

        Assert.Equal(["before"], seen);
        Assert.Equal(HearthApiException.NetworkErrorCode, error.Code);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task A_stream_refused_with_an_envelope_throws_before_the_first_item()
    {
        using var client = TestClients.Create(new FakeHandler(HttpStatusCode.NotFound, WireSamples.Error("workload_not_found", "no workload nope")));

        var error = await Assert.ThrowsAsync<HearthNotFoundException>(() => Collect(client.Workspaces.Workloads.StreamLogsAsync(Ws, "nope")));

        Assert.Equal("workload_not_found", error.Code);
    }

    [Fact]
    public async Task Follow_reads_the_history_then_streams_from_its_cursor_without_repeating_a_line()
    {
        var handler = new FakeHandler((request, _) => Task.FromResult(request.Uri.AbsolutePath.EndsWith("/logs/stream", StringComparison.Ordinal)
            ? FakeHandler.Streamed(
                // A server that starts earlier than asked: the line at 33 was in the history already.
                WorkloadSamples.LineEvent("oops", 33, 65, "stderr") + WorkloadSamples.LineEvent("live", 65, 96) + "data: {\"gap\":true,\"cursor\":500}\n\n",
                "text/event-stream")
            : FakeHandler.Response(HttpStatusCode.OK, WorkloadSamples.Logs)));
        using var client = TestClients.Create(handler);

        var items = await Collect(client.Workspaces.Workloads.FollowLogsAsync(Ws, "api", tail: 2));

        Assert.Equal(["/workspace/ws_abc123/workloads/api/logs?tail=2", "/workspace/ws_abc123/workloads/api/logs/stream?since=65"],
            handler.Requests.Select(r => r.PathAndQuery));
        Assert.Equal(
            [(WorkloadLogLineKind.Line, "hello", (long?)0, (long?)33), (WorkloadLogLineKind.Line, "oops", 33, 65),
                (WorkloadLogLineKind.Line, "live", 65, 96), (WorkloadLogLineKind.Gap, "", 500, null)],
            items.Select(i => (i.Kind, i.Line, i.Cursor, i.NextCursor)));
        Assert.Equal("stderr", items[1].Stream);
    }

    [Fact]
    public async Task Follow_with_tail_0_asks_for_no_history_and_streams_from_the_end()
    {
        var handler = new FakeHandler((request, _) => Task.FromResult(request.Uri.AbsolutePath.EndsWith("/logs/stream", StringComparison.Ordinal)
            ? FakeHandler.Streamed(WorkloadSamples.LineEvent("new", 65, 94), "text/event-stream")
            : FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "logs": "", "entries": [], "cursor": 65 }""")));
        using var client = TestClients.Create(handler);

        var items = await Collect(client.Workspaces.Workloads.FollowLogsAsync(Ws, "api", tail: 0));

        Assert.Equal("/workspace/ws_abc123/workloads/api/logs?tail=0", handler.Requests[0].PathAndQuery);
        Assert.Equal("new", Assert.Single(items).Line);
    }

    [Fact]
    public async Task Workspace_logs_stream_and_follow_use_the_source_and_tail_lines()
    {
        var handler = new FakeHandler((request, _) => Task.FromResult(request.Uri.AbsolutePath.Contains("/logs/stream/", StringComparison.Ordinal)
            ? FakeHandler.Streamed(WorkloadSamples.LineEvent("booted", 65, 97, "system"), "text/event-stream")
            : FakeHandler.Response(HttpStatusCode.OK, WorkloadSamples.Logs.Replace("\"success\": true,", "\"success\": true, \"source\": \"boot\",", StringComparison.Ordinal))));
        using var client = TestClients.Create(handler);

        var streamed = await Collect(client.Workspaces.Logs.StreamAsync(Ws, "cmd", tailLines: 7));
        var followed = await Collect(client.Workspaces.Logs.FollowAsync(Ws, "boot", tailLines: 10));

        Assert.Equal(
            ["/workspace/ws_abc123/logs/stream/cmd?tail_lines=7", "/workspace/ws_abc123/logs?source=boot&tail_lines=10", "/workspace/ws_abc123/logs/stream/boot?since=65"],
            handler.Requests.Select(r => r.PathAndQuery));
        Assert.Equal("booted", Assert.Single(streamed).Line);
        Assert.Equal(["hello", "oops", "booted"], followed.Select(i => i.Line));
        Assert.Throws<ArgumentException>(() => client.Workspaces.Logs.StreamAsync(Ws, "kernel"));
        Assert.Throws<ArgumentException>(() => client.Workspaces.Logs.FollowAsync(Ws, "../x"));
    }

    /// <summary>A body that delivers its bytes and then fails as a reset connection does.</summary>
    private sealed class BreakingStream(byte[] bytes) : Fakes.ReadOnlyStream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position == bytes.Length)
            {
                throw new IOException("Connection reset by peer");
            }

            var n = Math.Min(count, bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }
    }
}
