using System.Net;
using System.Text;
using Hearth.Sdk.Runtime;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Runtime;

public sealed class ExecClientTests
{
    /// <summary>A task as the gateway writes it (ExecEndpoints, ExecTaskState.ToWire).</summary>
    public const string Task = """
        { "success": true, "id": "task_1", "command": ["sh", "-c", "echo hi; exit 3"], "status": "exited", "guest_pid": 42,
          "exit_code": 3, "stdout": "hi\n", "stderr": "", "timed_out": false, "created_at": "2025-06-01T12:00:00Z",
          "started_at": "2025-06-01T12:00:00.1Z", "exited_at": "2025-06-01T12:00:00.2Z", "ttl_seconds": 300 }
        """;

    // Two events, output split mid-base64 by the 3-byte chunks, and an exit: as ExecEndpoints.WriteEventsAsync writes them.
    private const string Sse =
        "event: task_id\ndata: {\"task_id\":\"task_1\"}\n\n" +
        "event: stdout\ndata: {\"data\":\"YQBi\"}\n\n" +
        "event: stderr\ndata: {\"data\":\"ZQo=\"}\n\n" +
        "event: exit\ndata: {\"exit_code\":3,\"pid\":42}\n\n";

    [Fact]
    public async Task Run_posts_cmd_and_options_in_snake_case_and_reads_the_task()
    {
        var fake = RuntimeFake.Answering(Task);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var task = await rt.Exec.RunAsync(["sh", "-c", "echo hi; exit 3"],
            new ExecOptions { ExecMode = "direct", TimeoutSeconds = 5, TtlSeconds = -1, KeepLogs = true }).Within();

        var request = fake.LastGatewayRequest;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/exec", request.PathAndQuery);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("""{"cmd":["sh","-c","echo hi; exit 3"],"exec_mode":"direct","timeout_seconds":5,"ttl_seconds":-1,"keep_logs":true}""", request.Body);
        Assert.Equal("task_1", task.Id);
        Assert.Equal(3, task.ExitCode);
        Assert.Equal("hi\n", task.Stdout);
        Assert.Equal(42, task.GuestPid);
        Assert.Equal("exited", task.Status);
    }

    [Fact]
    public async Task Run_refuses_an_empty_command_without_a_call()
    {
        var fake = RuntimeFake.Answering(Task);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        Assert.Throws<ArgumentException>(() => { _ = rt.Exec.RunAsync([]); });
        Assert.Empty(fake.GatewayRequests);
    }

    [Fact]
    public async Task A_spawn_failure_is_a_validation_exception_with_the_servers_code()
    {
        var fake = RuntimeFake.Answering(WireSamples.Error("spawn_failed", "no such file: /no/such"), HttpStatusCode.BadRequest);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var ex = await Assert.ThrowsAsync<HearthValidationException>(() => rt.Exec.RunAsync(["/no/such"]).Within());

        Assert.Equal("spawn_failed", ex.Code);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Stream_parses_sse_events_split_anywhere_and_decodes_base64(int chunk)
    {
        var fake = new RuntimeFake(_ => RuntimeFake.Stream(Sse, "text/event-stream", chunk));
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var events = await Collect(rt.Exec.StreamAsync(["sh", "-c", "printf 'a\\0b'; echo e >&2; exit 3"], new ExecOptions { TimeoutSeconds = 9 }));

        var request = fake.LastGatewayRequest;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/exec/stream", request.PathAndQuery);
        using (var body = System.Text.Json.JsonDocument.Parse(request.Body!))
        {
            Assert.Equal(["sh", "-c", "printf 'a\\0b'; echo e >&2; exit 3"], body.RootElement.GetProperty("cmd").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(9, body.RootElement.GetProperty("timeout_seconds").GetInt32());
            Assert.Equal(2, body.RootElement.EnumerateObject().Count());
        }

        Assert.Equal(4, events.Count);
        Assert.Equal(ExecEventKind.TaskId, events[0].Kind);
        Assert.Equal("task_1", events[0].TaskId);
        Assert.Equal(ExecEventKind.Stdout, events[1].Kind);
        Assert.Equal(new byte[] { (byte)'a', 0, (byte)'b' }, events[1].Data.ToArray());
        Assert.Equal(ExecEventKind.Stderr, events[2].Kind);
        Assert.Equal("e\n"u8.ToArray(), events[2].Data.ToArray());
        Assert.Equal(ExecEventKind.Exit, events[3].Kind);
        Assert.Equal(3, events[3].ExitCode);
        Assert.Equal(42, events[3].Pid);
    }

    [Fact]
    public async Task Sse_with_crlf_comments_unknown_events_and_non_json_data_yields_only_what_it_knows()
    {
        var body = ": keep-alive\r\n\r\nevent: task_id\r\ndata: {\"task_id\":\"task_9\"}\r\n\r\nevent: progress\ndata: {\"pct\":5}\n\n" +
            "event: stdout\ndata: [DONE]\n\nevent: exit\ndata: {\"exit_code\":0}\n\n";
        var fake = new RuntimeFake(_ => RuntimeFake.Stream(body, "text/event-stream"));
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var events = await Collect(rt.Exec.StreamAsync(["true"]));

        Assert.Equal([ExecEventKind.TaskId, ExecEventKind.Exit], events.Select(e => e.Kind));
        Assert.Equal("task_9", events[0].TaskId);
        Assert.Equal(0, events[1].ExitCode);
        Assert.Null(events[1].Pid);
    }

    [Fact]
    public async Task Attach_gets_the_stream_of_a_task_and_turns_a_replayed_output_event_into_stdout_and_stderr()
    {
        var body = "event: task_id\ndata: {\"task_id\":\"task_1\"}\n\nevent: output\ndata: {\"stdout\":\"hi\\n\",\"stderr\":\"oops\"}\n\n" +
            "event: exit\ndata: {\"exit_code\":1}\n\n";
        var fake = new RuntimeFake(_ => RuntimeFake.Stream(body, "text/event-stream"));
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var events = await Collect(rt.Exec.AttachAsync("task 1"));

        var request = fake.LastGatewayRequest;
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("/exec/stream?task_id=task%201", request.PathAndQuery);
        Assert.Null(request.Body);
        Assert.Equal([ExecEventKind.TaskId, ExecEventKind.Stdout, ExecEventKind.Stderr, ExecEventKind.Exit], events.Select(e => e.Kind));
        Assert.Equal("hi\n", Encoding.UTF8.GetString(events[1].Data.Span));
        Assert.Equal("oops", Encoding.UTF8.GetString(events[2].Data.Span));
    }

    [Fact]
    public async Task A_stream_refused_before_it_starts_throws_the_typed_error()
    {
        var fake = RuntimeFake.Answering(WireSamples.Error("not_found", "no task task_x"), HttpStatusCode.NotFound);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var ex = await Assert.ThrowsAsync<HearthNotFoundException>(() => Collect(rt.Exec.AttachAsync("task_x")));

        Assert.Equal("no task task_x", ex.Message);
    }

    [Fact]
    public async Task WriteInput_posts_raw_octet_stream_bytes_and_close_adds_the_query()
    {
        var fake = RuntimeFake.Answering("""{ "success": true, "bytes_written": 4 }""");
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var written = await rt.Exec.WriteInputAsync("task_1", "fed\n"u8.ToArray()).Within();
        var first = fake.LastGatewayRequest;
        await rt.Exec.WriteInputAsync("task_1", ReadOnlyMemory<byte>.Empty, close: true).Within();
        var second = fake.LastGatewayRequest;

        Assert.Equal(4, written);
        Assert.Equal(HttpMethod.Post, first.Method);
        Assert.Equal("/exec/task_1/input", first.PathAndQuery);
        Assert.Equal("application/octet-stream", first.Header("Content-Type"));
        Assert.Equal("fed\n", first.Body);
        Assert.Equal("/exec/task_1/input?close=true", second.PathAndQuery);
        Assert.Equal("", second.Body);
    }

    [Fact]
    public async Task Kill_kill_all_list_and_get_use_the_official_paths()
    {
        var fake = new RuntimeFake(request => (request.Method.Method, request.PathAndQuery) switch
        {
            ("DELETE", "/exec/task_1") => FakeHandler.Response(HttpStatusCode.OK, """{ "success": true }"""),
            ("DELETE", "/exec") => FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "deleted": 2 }"""),
            ("GET", "/exec") => FakeHandler.Response(HttpStatusCode.OK, $$"""{ "success": true, "tasks": [{{Task}}] }"""),
            ("GET", "/exec/task_1") => FakeHandler.Response(HttpStatusCode.OK, Task),
            _ => FakeHandler.Response(HttpStatusCode.NotFound, WireSamples.Error("not_found", "no route")),
        });
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        await rt.Exec.KillAsync("task_1").Within();
        Assert.Equal(2, await rt.Exec.KillAllAsync().Within());
        Assert.Equal("task_1", Assert.Single(await rt.Exec.ListAsync().Within()).Id);
        Assert.Equal(3, (await rt.Exec.GetAsync("task_1").Within()).ExitCode);
        await Assert.ThrowsAsync<HearthNotFoundException>(() => rt.Exec.GetAsync("task_2").Within());
        Assert.Throws<ArgumentException>(() => { _ = rt.Exec.GetAsync(".."); });
    }

    [Fact]
    public async Task A_stream_that_breaks_midway_is_a_transient_network_error_after_the_events_before_it()
    {
        var fake = new RuntimeFake(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new BreakingStream("event: task_id\ndata: {\"task_id\":\"task_1\"}\n\n"u8.ToArray())),
        });
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);
        var seen = new List<ExecEvent>();

        var ex = await Assert.ThrowsAsync<HearthApiException>(async () =>
        {
            await foreach (var e in rt.Exec.StreamAsync(["sleep", "9"]))
            {
                seen.Add(e);
            }
        });

        Assert.Equal("task_1", Assert.Single(seen).TaskId);
        Assert.Equal(HearthApiException.NetworkErrorCode, ex.Code);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public void An_event_with_bad_base64_is_an_invalid_response()
    {
        var ex = Assert.Throws<HearthApiException>(() => ExecClient.Parse("stdout", """{"data":"***"}""").ToList());
        Assert.Equal(HearthApiException.InvalidResponseCode, ex.Code);
    }

    /// <summary>Gives its bytes, then fails as a reset connection does.</summary>
    private sealed class BreakingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) =>
            base.Read(buffer, offset, count) is > 0 and var n ? n : throw new IOException("Connection reset by peer");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(base.Read(buffer.Span) is > 0 and var n ? n : throw new IOException("Connection reset by peer"));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    internal static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> source)
    {
        using var timeout = new CancellationTokenSource(Bounded.Timeout);
        var list = new List<T>();
        await foreach (var item in source.WithCancellation(timeout.Token))
        {
            list.Add(item);
        }

        return list;
    }
}
