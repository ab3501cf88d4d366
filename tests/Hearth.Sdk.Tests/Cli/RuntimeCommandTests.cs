using System.Formats.Tar;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Cli.Commands;
using Hearth.Cli.Transfer;
using Hearth.Sdk.Tests.Fakes;
using Hearth.Sdk.Tests.Runtime;

namespace Hearth.Sdk.Tests.Cli;

/// <summary><c>hearth exec</c>, <c>shell</c> and <c>cp</c> over a fake control plane and gateway.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RuntimeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hearth-cp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Exec_streams_the_commands_bytes_to_stdout_and_stderr_and_exits_with_its_code()
    {
        var sse = "event: task_id\ndata: {\"task_id\":\"task_1\"}\n\n" +
            $"event: stdout\ndata: {{\"data\":\"{Convert.ToBase64String([(byte)'h', (byte)'i', 0xff, (byte)'\n'])}\"}}\n\n" +
            "event: stderr\ndata: {\"data\":\"ZQo=\"}\n\nevent: exit\ndata: {\"exit_code\":3}\n\n";
        var fake = new RuntimeFake(request => request.PathAndQuery == "/exec/stream"
            ? RuntimeFake.Stream(sse, "text/event-stream")
            : FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "bytes_written": 0 }"""));

        var run = await Harness(fake).RunAsync("exec", "ws_abc123", "--timeout", "5", "--", "sh", "-c", "echo hi; exit 3");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal(new byte[] { (byte)'h', (byte)'i', 0xff, (byte)'\n' }, run.StandardOutput);
        Assert.Equal("e\n"u8.ToArray(), run.StandardError);
        Assert.Equal("", run.Out);
        Assert.Equal("", run.Error);
        var start = fake.GatewayRequests.First(r => r.PathAndQuery == "/exec/stream");
        Assert.Equal(HttpMethod.Post, start.Method);
        using var body = JsonDocument.Parse(start.Body!);
        Assert.Equal(["sh", "-c", "echo hi; exit 3"], body.RootElement.GetProperty("cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(5, body.RootElement.GetProperty("timeout_seconds").GetInt32());
    }

    [Fact]
    public async Task Exec_forwards_piped_stdin_and_then_closes_it()
    {
        var events = new Pipe();
        await Write(events, "event: task_id\ndata: {\"task_id\":\"task_1\"}\n\n");
        var fake = new RuntimeFake(request =>
        {
            if (request.PathAndQuery == "/exec/stream")
            {
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(events.Reader.AsStream()) };
            }

            if (request.PathAndQuery == "/exec/task_1/input?close=true")
            {
                // Like cat: the command ends once its stdin does.
                _ = Write(events, "event: exit\ndata: {\"exit_code\":0}\n\n").AsTask().ContinueWith(_ => events.Writer.Complete(), TaskScheduler.Default);
            }

            return FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "bytes_written": 3 }""");
        });
        var harness = Harness(fake);
        harness.StandardInput = "fed"u8.ToArray();

        var run = await harness.RunAsync("exec", "ws_abc123", "--", "cat");

        Assert.Equal(0, run.ExitCode);
        var inputs = fake.GatewayRequests.Where(r => r.Uri.AbsolutePath == "/exec/task_1/input").ToList();
        Assert.Equal(["/exec/task_1/input", "/exec/task_1/input?close=true"], inputs.Select(r => r.PathAndQuery));
        Assert.Equal("fed", inputs[0].Body);
        Assert.Equal("application/octet-stream", inputs[0].Header("Content-Type"));
    }

    [Fact]
    public async Task Exec_json_waits_and_prints_the_task_as_one_document_with_the_exit_code()
    {
        var fake = RuntimeFake.Answering(ExecClientTests.Task);

        var run = await Harness(fake).RunAsync("exec", "ws_abc123", "--json", "--", "sh", "-c", "echo hi; exit 3");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("/exec", fake.LastGatewayRequest.PathAndQuery);
        using var output = JsonDocument.Parse(run.Out);
        Assert.Equal("hi\n", output.RootElement.GetProperty("stdout").GetString());
        Assert.Equal(3, output.RootElement.GetProperty("exit_code").GetInt32());
    }

    [Theory]
    [InlineData("exec", "ws_abc123")]
    [InlineData("exec", "ws_abc123", "--timeout", "0", "--", "true")]
    [InlineData("exec")]
    [InlineData("cp", "a")]
    [InlineData("shell")]
    public async Task Bad_command_lines_are_usage_errors_without_a_call(params string[] args)
    {
        var fake = RuntimeFake.Answering(ExecClientTests.Task);

        var run = await Harness(fake).RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error:", run.Error, StringComparison.Ordinal);
        Assert.Empty(fake.Handler.Requests);
    }

    [Fact]
    public async Task An_exec_refused_by_the_gateway_exits_1_with_the_error()
    {
        var fake = RuntimeFake.Answering(WireSamples.Error("workspace_not_running", "workspace ws_abc123 is stopped, not running"), HttpStatusCode.Conflict);

        var run = await Harness(fake).RunAsync("exec", "ws_abc123", "--", "true");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: workspace ws_abc123 is stopped, not running (workspace_not_running)" + Environment.NewLine, run.Error);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("bash", new[] { "bash" })]
    [InlineData("bash -l", new[] { "/bin/sh", "-c", "bash -l" })]
    public void Shell_cmd_is_a_program_or_a_command_line(string? cmd, string[]? argv) =>
        Assert.Equal(argv, ShellCommand.Argv(cmd));

    [Fact]
    public async Task Shell_creates_a_terminal_and_closes_it_again_when_the_socket_cannot_connect()
    {
        var fake = new RuntimeFake(request => (request.Method.Method, request.PathAndQuery) switch
        {
            ("POST", "/terminals") => FakeHandler.Response(HttpStatusCode.Created, """{ "success": true, "id": "1", "command": ["/bin/sh"], "cols": 80, "rows": 24 }"""),
            _ => FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "terminal_id": "1" }"""),
        })
        {
            AdvertisedGateway = "http://127.0.0.1:1", // nothing listens: the WebSocket connect is refused
        };

        var run = await Harness(fake).RunAsync("shell", "ws_abc123", "--cmd", "bash -l");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("network_error", run.Error, StringComparison.Ordinal);
        var calls = fake.GatewayRequests;
        Assert.Equal(2, calls.Count);
        Assert.Equal("""{"cmd":["/bin/sh","-c","bash -l"],"cols":80,"rows":24}""", calls[0].Body);
        Assert.Equal((HttpMethod.Delete, "/terminals/1"), (calls[1].Method, calls[1].PathAndQuery));
    }

    [Fact]
    public async Task Cp_uploads_a_file_under_a_new_name_as_a_streamed_tar_gz()
    {
        var local = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(local, "hello\n");
        File.SetUnixFileMode(local, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var fake = new RuntimeFake(request => request.Uri.AbsolutePath == "/files/stat"
            ? FakeHandler.Response(HttpStatusCode.NotFound, WireSamples.Error("not_found", "no such file"))
            : FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "dest": "/app", "files_extracted": 1 }"""));

        var run = await Harness(fake).RunAsync("cp", local, "ws_abc123:/app/renamed.txt");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("/files/stat?path=%2Fapp%2Frenamed.txt", fake.GatewayRequests[0].PathAndQuery);
        var upload = fake.LastGatewayRequest;
        Assert.Equal("/files/transfer/upload?dest=%2Fapp", upload.PathAndQuery);
        Assert.Equal("application/gzip", upload.Header("Content-Type"));
        var entries = ReadTarGz(upload.BodyBytes!);
        var entry = Assert.Single(entries);
        Assert.Equal(("renamed.txt", "hello\n"), (entry.Name, entry.Content));
        Assert.True(entry.Mode.HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public async Task Cp_uploads_a_tree_into_an_existing_directory_under_its_own_name()
    {
        var tree = Path.Combine(_dir, "src");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        await File.WriteAllTextAsync(Path.Combine(tree, "a.txt"), "a");
        await File.WriteAllTextAsync(Path.Combine(tree, "sub", "b.txt"), "b");
        File.CreateSymbolicLink(Path.Combine(tree, "link"), "a.txt");
        var fake = new RuntimeFake(request => request.Uri.AbsolutePath == "/files/stat"
            ? FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "path": "/app", "name": "app", "type": "directory", "size": 0, "modified": "2025-06-01T12:00:00Z", "permissions": "0755", "is_code": false }""")
            : FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "dest": "/app", "files_extracted": 3 }"""));

        var run = await Harness(fake).RunAsync("cp", tree + "/", "ws_abc123:/app");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("/files/transfer/upload?dest=%2Fapp", fake.LastGatewayRequest.PathAndQuery);
        var entries = ReadTarGz(fake.LastGatewayRequest.BodyBytes!);
        Assert.Equal(["src", "src/a.txt", "src/link", "src/sub", "src/sub/b.txt"], entries.Select(e => e.Name.TrimEnd('/')));
        Assert.Equal("a.txt", entries.Single(e => e.Name == "src/link").LinkName);
        Assert.Equal("b", entries.Single(e => e.Name == "src/sub/b.txt").Content);
    }

    [Fact]
    public async Task Cp_into_a_path_ending_in_a_slash_needs_no_stat()
    {
        var local = Path.Combine(_dir, "f.bin");
        await File.WriteAllBytesAsync(local, [1, 2, 3]);
        var fake = RuntimeFake.Answering("""{ "success": true, "dest": "/tmp/", "files_extracted": 1 }""");

        var run = await Harness(fake).RunAsync("cp", local, "ws_abc123:/tmp/");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("/files/transfer/upload?dest=%2Ftmp%2F", Assert.Single(fake.GatewayRequests).PathAndQuery);
        Assert.Equal("f.bin", Assert.Single(ReadTarGz(fake.LastGatewayRequest.BodyBytes!)).Name);
    }

    [Fact]
    public async Task Cp_of_a_missing_local_file_fails_before_any_upload()
    {
        var fake = RuntimeFake.Answering("{}");

        var run = await Harness(fake).RunAsync("cp", Path.Combine(_dir, "nope"), "ws_abc123:/app/");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no such file or directory", run.Error, StringComparison.Ordinal);
        Assert.Empty(fake.GatewayRequests);
    }

    [Theory]
    [InlineData("etc/hostname")]
    [InlineData("hostname")]
    [InlineData("/etc/hostname")]
    public async Task Cp_downloads_a_file_to_a_given_name_whatever_the_archive_calls_it(string entryName)
    {
        var archive = TarGzOf((entryName, "box\n"));
        var fake = new RuntimeFake(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(archive) });
        var target = Path.Combine(_dir, "h.txt");

        var run = await Harness(fake).RunAsync("cp", "ws_abc123:/etc/hostname", target);

        Assert.True(run.ExitCode == 0, run.Error);
        var request = fake.LastGatewayRequest;
        Assert.Equal((HttpMethod.Post, "/files/transfer/download"), (request.Method, request.PathAndQuery));
        Assert.Equal("""{"paths":["/etc/hostname"]}""", request.Body);
        Assert.Equal("box\n", await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task Cp_downloads_a_tree_into_an_existing_directory_under_its_own_name()
    {
        var archive = TarGzOf(("app/src/", null), ("app/src/a.txt", "a"), ("app/src/src/b.txt", "b"));
        var fake = new RuntimeFake(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(archive) });

        var run = await Harness(fake).RunAsync("cp", "ws_abc123:/app/src", _dir);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("a", await File.ReadAllTextAsync(Path.Combine(_dir, "src", "a.txt")));
        Assert.Equal("b", await File.ReadAllTextAsync(Path.Combine(_dir, "src", "src", "b.txt")));
    }

    [Fact]
    public async Task Cp_refuses_an_archive_entry_that_climbs_out_of_the_destination()
    {
        var archive = TarGzOf(("app/../../evil.txt", "x"));
        var fake = new RuntimeFake(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(archive) });

        var run = await Harness(fake).RunAsync("cp", "ws_abc123:/app", Path.Combine(_dir, "out"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("outside the destination", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "..", "evil.txt")));
    }

    [Theory]
    [InlineData("ws_abc:/app", "ws_abc", "/app")]
    [InlineData("my-box.1:/", "my-box.1", "/")]
    public void Remote_operands_parse(string operand, string workspace, string path) =>
        Assert.Equal(new RemotePath(workspace, path), RemotePath.TryParse(operand));

    [Theory]
    [InlineData("/tmp/a:b")]
    [InlineData("./a:b")]
    [InlineData("plain")]
    public void Local_operands_do_not_parse_as_remote(string operand) => Assert.Null(RemotePath.TryParse(operand));

    [Fact]
    public void A_relative_remote_path_is_a_usage_error() =>
        Assert.Equal(2, Assert.Throws<Hearth.Cli.CliException>(() => RemotePath.TryParse("ws_abc:app")).ExitCode);

    [Fact]
    public async Task Cp_with_two_remote_operands_is_a_usage_error()
    {
        var run = await Harness(RuntimeFake.Answering("{}")).RunAsync("cp", "ws_a:/x", "ws_b:/y");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("exactly one", run.Error, StringComparison.Ordinal);
    }

    private static CliHarness Harness(RuntimeFake fake)
    {
        var harness = new CliHarness(fake.Handler);
        harness.Environment["HEARTH_URL"] = "http://hearth.test:7070";
        return harness;
    }

    private static async ValueTask Write(Pipe pipe, string text) => await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(text));

    private static byte[] TarGzOf(params (string Name, string? Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, content) in entries)
            {
                var entry = new PaxTarEntry(content is null ? TarEntryType.Directory : TarEntryType.RegularFile, name);
                if (content is not null)
                {
                    entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
                }

                tar.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    private static List<(string Name, string? Content, string LinkName, UnixFileMode Mode)> ReadTarGz(byte[] bytes)
    {
        var list = new List<(string, string?, string, UnixFileMode)>();
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            var content = entry.DataStream is null ? null : new StreamReader(entry.DataStream).ReadToEnd();
            list.Add((entry.Name, content, entry.LinkName, entry.Mode));
        }

        return list;
    }
}
