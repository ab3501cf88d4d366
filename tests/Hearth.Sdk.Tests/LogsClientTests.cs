using System.Net;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

/// <summary>The workspace's own logs (<c>/workspace/{id}/logs</c>) but the streams, which <see cref="LogStreamTests"/> covers.</summary>
public sealed class LogsClientTests
{
    private const string Ws = "ws_abc123";

    [Fact]
    public async Task Get_passes_source_and_tail_lines_and_reads_the_source()
    {
        var handler = new FakeHandler(HttpStatusCode.OK,
            WorkloadSamples.Logs.Replace("\"success\": true,", "\"success\": true, \"source\": \"boot\",", StringComparison.Ordinal));
        using var client = TestClients.Create(handler);

        var boot = await client.Workspaces.Logs.GetAsync(Ws, "boot", tailLines: 50).Within();
        await client.Workspaces.Logs.GetAsync(Ws).Within();

        Assert.Equal(["/workspace/ws_abc123/logs?source=boot&tail_lines=50", "/workspace/ws_abc123/logs"], handler.Requests.Select(r => r.PathAndQuery));
        Assert.Equal("boot", boot.Source);
        Assert.Equal(["hello", "oops"], boot.Entries.Select(e => e.Line));
        Assert.Equal(65, boot.Cursor);
    }

    [Fact]
    public async Task Clear_deletes_and_list_and_file_read_the_files()
    {
        var handler = FakeHandler.Routes(
            ("DELETE /workspace/ws_abc123/logs", HttpStatusCode.OK, """{ "success": true, "cleared": true }"""),
            ("GET /workspace/ws_abc123/logs/list", HttpStatusCode.OK, """
                { "success": true, "files": [
                  { "name": "boot.log", "size": 512, "modified": "2026-11-29T18:00:00Z" },
                  { "name": "cmd.log", "size": 0 },
                  { "name": "workload-my api.log", "size": 2048, "modified": "2026-11-29T18:05:00Z" } ] }
                """),
            ("GET /workspace/ws_abc123/logs/file/workload-my%20api.log", HttpStatusCode.OK,
                """{ "success": true, "name": "workload-my api.log", "content": "[2026-11-29T18:00:00.123Z] stdout: hello\n" }"""));
        using var client = TestClients.Create(handler);

        await client.Workspaces.Logs.ClearAsync(Ws).Within();
        var files = await client.Workspaces.Logs.ListFilesAsync(Ws).Within();
        var content = await client.Workspaces.Logs.GetFileAsync(Ws, files[2].Name, tailLines: 20).Within();

        Assert.Equal(
            [(HttpMethod.Delete, "/workspace/ws_abc123/logs"), (HttpMethod.Get, "/workspace/ws_abc123/logs/list"),
                (HttpMethod.Get, "/workspace/ws_abc123/logs/file/workload-my%20api.log?tail_lines=20")],
            handler.Requests.Select(r => (r.Method, r.PathAndQuery)));
        Assert.Equal([("boot.log", 512L), ("cmd.log", 0L), ("workload-my api.log", 2048L)], files.Select(f => (f.Name, f.Size)));
        Assert.Null(files[1].Modified);
        Assert.Equal("[2026-11-29T18:00:00.123Z] stdout: hello\n", content);
        await Assert.ThrowsAsync<ArgumentException>(() => client.Workspaces.Logs.GetFileAsync(Ws, ".."));
    }

    [Fact]
    public async Task An_unknown_file_is_not_found()
    {
        using var client = TestClients.Create(new FakeHandler(HttpStatusCode.NotFound, WireSamples.Error("not_found", "no log nope.log")));

        var error = await Assert.ThrowsAsync<HearthNotFoundException>(() => client.Workspaces.Logs.GetFileAsync(Ws, "nope.log").Within());

        Assert.Equal("no log nope.log", error.Message);
    }
}
