using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Cli;

/// <summary><c>hearth logs</c> and <c>hearth workload logs</c>, once and following.</summary>
public sealed class LogsCommandTests
{
    private static readonly string Nl = Environment.NewLine;

    private const string BootLogs = """
        { "success": true, "source": "boot", "logs": "",
          "entries": [ { "timestamp": "2026-11-29T18:00:00.123Z", "stream": "system", "line": "workload api started, pid 42", "cursor": 0 } ],
          "cursor": 65 }
        """;

    /// <summary>History at <c>.../logs</c>, and <paramref name="stream"/> as the SSE body of <c>.../logs/stream...</c>.</summary>
    private static FakeHandler HistoryThen(string history, string stream) => new((request, _) => Task.FromResult(
        request.Uri.AbsolutePath.Contains("/logs/stream", StringComparison.Ordinal)
            ? FakeHandler.Streamed(stream, "text/event-stream")
            : FakeHandler.Response(HttpStatusCode.OK, history)));

    [Fact]
    public async Task A_workloads_log_goes_stdout_to_stdout_and_stderr_to_stderr()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WorkloadSamples.Logs);

        var run = await new CliHarness(handler).RunAsync("logs", "ws_abc123", "api", "--tail", "5");
        var stamped = await new CliHarness(handler).RunAsync("workload", "logs", "ws_abc123", "api", "-t", "-n", "0");

        Assert.Equal((0, "hello" + Nl, "oops" + Nl), (run.ExitCode, run.Out, run.Error));
        Assert.Equal(("2026-11-29T18:00:00.123Z hello" + Nl, "2026-11-29T18:00:00.500Z oops" + Nl), (stamped.Out, stamped.Error));
        Assert.Equal(["/workspace/ws_abc123/workloads/api/logs?tail=5", "/workspace/ws_abc123/workloads/api/logs?tail=0"], handler.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task Without_a_workload_it_reads_the_workspaces_log_and_marks_the_agents_notes()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, BootLogs);

        var boot = await new CliHarness(handler).RunAsync("logs", "ws_abc123", "--source", "boot", "--tail", "10");
        var cmd = await new CliHarness(handler).RunAsync("logs", "ws_abc123");

        Assert.Equal((0, "", "[agent] workload api started, pid 42" + Nl), (boot.ExitCode, boot.Out, boot.Error));
        Assert.Equal(0, cmd.ExitCode);
        Assert.Equal(["/workspace/ws_abc123/logs?source=boot&tail_lines=10", "/workspace/ws_abc123/logs"], handler.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task Json_prints_the_wire_document()
    {
        var run = await new CliHarness(new FakeHandler(HttpStatusCode.OK, WorkloadSamples.Logs)).RunAsync("logs", "ws_abc123", "api", "--json");

        Assert.Equal(0, run.ExitCode);
        using var document = JsonDocument.Parse(run.Out);
        Assert.Equal(65, document.RootElement.GetProperty("cursor").GetInt64());
        Assert.Equal("oops", document.RootElement.GetProperty("entries")[1].GetProperty("line").GetString());
    }

    [Fact]
    public async Task Follow_prints_the_history_then_the_stream_from_its_cursor_until_it_ends()
    {
        var handler = HistoryThen(WorkloadSamples.Logs,
            ": subscribed\n\n" + WorkloadSamples.LineEvent("live", 65, 96) + ": heartbeat\n\n" + "data: {\"gap\":true,\"cursor\":500}\n\n"
            + WorkloadSamples.LineEvent("boom", 500, 531, "stderr"));

        var run = await new CliHarness(handler).RunAsync("logs", "ws_abc123", "api", "-f", "--tail", "2");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["/workspace/ws_abc123/workloads/api/logs?tail=2", "/workspace/ws_abc123/workloads/api/logs/stream?since=65"],
            handler.Requests.Select(r => r.PathAndQuery));
        Assert.Equal($"hello{Nl}live{Nl}", run.Out);
        Assert.Equal($"oops{Nl}[agent] lines are missing here: the log's size or age limit dropped them before they were read{Nl}boom{Nl}", run.Error);
    }

    [Fact]
    public async Task Follow_of_the_workspaces_log_uses_its_source()
    {
        var handler = HistoryThen(BootLogs, WorkloadSamples.LineEvent("workload api exited with code 0", 65, 110, "system") + "data: {\"cleared\":true,\"cursor\":110}\n\n");

        var run = await new CliHarness(handler).RunAsync("logs", "ws_abc123", "--follow", "--source", "boot");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["/workspace/ws_abc123/logs?source=boot&tail_lines=100", "/workspace/ws_abc123/logs/stream/boot?since=65"],
            handler.Requests.Select(r => r.PathAndQuery));
        Assert.Equal($"[agent] workload api started, pid 42{Nl}[agent] workload api exited with code 0{Nl}[agent] the log was cleared{Nl}", run.Error);
    }

    [Fact]
    public async Task Follow_runs_until_cancelled_and_then_exits_130()
    {
        using var cts = new CancellationTokenSource();
        var body = Encoding.UTF8.GetBytes(WorkloadSamples.LineEvent("live", 65, 96));
        var handler = new FakeHandler((request, _) => Task.FromResult(request.Uri.AbsolutePath.EndsWith("/logs/stream", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new OpenStream(body, cts)) }
            : FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "logs": "", "entries": [], "cursor": 65 }""")));
        var harness = new CliHarness(handler) { Cancellation = cts.Token };

        var run = await harness.RunAsync("workload", "logs", "ws_abc123", "api", "-f");

        Assert.Equal(130, run.ExitCode);
        Assert.Equal("live" + Nl, run.Out);
        Assert.Equal("/workspace/ws_abc123/workloads/api/logs?tail=100", handler.Requests[0].PathAndQuery);
    }

    [Theory]
    [InlineData("logs", "ws_abc123", "api", "-f", "--json")]
    [InlineData("logs", "ws_abc123", "--source", "kernel")]
    [InlineData("logs", "ws_abc123", "--tail", "lots")]
    [InlineData("logs", "ws_abc123", "api", "--source", "cmd")]
    [InlineData("logs")]
    public async Task Bad_command_lines_are_usage_errors_without_a_call(params string[] args)
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WorkloadSamples.Logs);

        var run = await new CliHarness(handler).RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error:", run.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    /// <summary>
    /// A stream that stays open: it delivers its bytes, and the next read (the CLI has printed
    /// what came, and waits for more) is the user's Ctrl+C.
    /// </summary>
    private sealed class OpenStream(byte[] bytes, CancellationTokenSource interrupt) : Fakes.ReadOnlyStream
    {
        private bool _sent;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sent)
            {
                _sent = true;
                bytes.CopyTo(buffer);
                return bytes.Length;
            }

            await interrupt.CancelAsync();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
