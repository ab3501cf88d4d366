using System.Net;
using System.Text;
using Hearth.Protocol.Runtime;
using Hearth.Sdk.Runtime;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Runtime;

public sealed class SearchTerminalsWatchersTests
{
    [Fact]
    public async Task Content_search_sends_q_and_every_option_and_reads_results_by_relative_path()
    {
        var fake = RuntimeFake.Answering("""
            { "success": true, "query": "handle", "path": "/app",
              "results": { "src/Server.cs": [{ "line": 10, "column": 5, "text": "void handle()" }, { "line": 20, "text": "handle();" }] },
              "total_matches": 2, "total_files": 1, "capped": false }
            """);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var result = await rt.Search.ContentAsync("handle(", new ContentSearchOptions
        {
            Path = "/app",
            CaseSensitive = true,
            Regex = false,
            WholeWord = true,
            MaxResults = 10,
            Timeout = 5,
            ContextLines = 1,
            FileTypes = "cs",
            IncludeHidden = false,
            NoGitignore = true,
            IgnorePatterns = "bin",
        }).Within();

        Assert.Equal(
            "/files/search?q=handle%28&path=%2Fapp&case_sensitive=true&regex=false&whole_word=true&max_results=10&timeout=5&context_lines=1" +
            "&file_types=cs&include_hidden=false&no_gitignore=true&ignore_patterns=bin",
            fake.LastGatewayRequest.PathAndQuery);
        var matches = result.Results["src/Server.cs"];
        Assert.Equal(2, matches.Count);
        Assert.Equal(5, matches[0].Column);
        Assert.Null(matches[1].Column);
        Assert.Equal("handle();", matches[1].Text);
        Assert.Equal(2, result.TotalMatches);
        Assert.False(result.Capped);
    }

    [Fact]
    public async Task File_search_and_status_use_their_paths()
    {
        var fake = new RuntimeFake(request => request.Uri.AbsolutePath switch
        {
            "/files/search/files" => FakeHandler.Response(HttpStatusCode.OK,
                """{ "success": true, "query": "ctrl", "path": "/", "files": ["app/ctrl.ts"], "total_files": 1 }"""),
            _ => FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "installed": true, "path": "/usr/bin/rg", "version": "14.1.0" }"""),
        });
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var files = await rt.Search.FilesAsync("ctrl", new FileSearchOptions { MaxResults = 5, IncludeHidden = true }).Within();
        var filesRequest = fake.LastGatewayRequest;
        var status = await rt.Search.StatusAsync().Within();

        Assert.Equal("/files/search/files?q=ctrl&include_hidden=true&max_results=5", filesRequest.PathAndQuery);
        Assert.Equal(["app/ctrl.ts"], files.Files);
        Assert.Equal((HttpMethod.Get, "/files/search/init"), (fake.LastGatewayRequest.Method, fake.LastGatewayRequest.PathAndQuery));
        Assert.True(status.Installed);
        Assert.Equal("14.1.0", status.Version);
    }

    [Fact]
    public async Task Ripgrep_missing_is_a_transient_503()
    {
        var fake = RuntimeFake.Answering(WireSamples.Error("unavailable", "ripgrep is not installed"), HttpStatusCode.ServiceUnavailable);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var ex = await Assert.ThrowsAsync<HearthApiException>(() => rt.Search.ContentAsync("x").Within());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
    }

    [Fact]
    public async Task Terminals_create_list_close_and_scrollback()
    {
        var fake = new RuntimeFake(request => (request.Method.Method, request.PathAndQuery) switch
        {
            ("POST", "/terminals") => FakeHandler.Response(HttpStatusCode.Created,
                """{ "success": true, "id": "1", "command": ["/bin/sh"], "cols": 120, "rows": 40 }"""),
            ("GET", "/terminals") => FakeHandler.Response(HttpStatusCode.OK,
                """{ "success": true, "terminals": [{ "id": "1", "command": ["/bin/sh"], "cols": 120, "rows": 40, "alive": false, "exit_code": 0, "created_at": "2025-06-01T12:00:00Z" }] }"""),
            ("DELETE", "/terminals/1") => FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "terminal_id": "1" }"""),
            ("GET", "/terminals/1/scrollback?bytes=4") => FakeHandler.Response(HttpStatusCode.OK,
                $$"""{ "success": true, "scrollback": "{{Convert.ToBase64String("$ \u001b"u8)}}", "size": 3, "alive": true, "exit_code": 0 }"""),
            _ => FakeHandler.Response(HttpStatusCode.NotFound, WireSamples.Error("not_found", "no route")),
        });
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var term = await rt.Terminals.CreateAsync(new TerminalCreateRequest { Cmd = ["/bin/sh"], Cols = 120, Rows = 40, ScrollbackSize = 1024 }).Within();
        var create = fake.LastGatewayRequest;
        var list = await rt.Terminals.ListAsync().Within();
        var scrollback = await rt.Terminals.ScrollbackAsync("1", bytes: 4).Within();
        await rt.Terminals.CloseAsync("1").Within();
        await rt.Terminals.CreateAsync().Within();
        var bare = fake.LastGatewayRequest;

        Assert.Equal("""{"cmd":["/bin/sh"],"cols":120,"rows":40,"scrollback_size":1024}""", create.Body);
        Assert.Equal("{}", bare.Body);
        Assert.Equal("1", term.Id);
        Assert.Equal(["/bin/sh"], term.Command);
        var listed = Assert.Single(list);
        Assert.False(listed.Alive);
        Assert.Equal(0, listed.ExitCode);
        Assert.Equal("$ \u001b", Encoding.UTF8.GetString(scrollback.Scrollback));
        Assert.True(scrollback.Alive);
        Assert.Equal((HttpMethod.Delete, "/terminals/1"), (fake.GatewayRequests[^2].Method, fake.GatewayRequests[^2].PathAndQuery));
    }

    [Fact]
    public async Task Watchers_create_list_get_and_delete_unwrap_the_watcher()
    {
        var watcher = """{ "id": "w1", "root": "/app", "dir_count": 12, "excludes": ["node_modules"], "active": true }""";
        var fake = new RuntimeFake(request => (request.Method.Method, request.PathAndQuery) switch
        {
            ("POST", "/watchers") or ("GET", "/watchers/w1") => FakeHandler.Response(HttpStatusCode.OK, $$"""{ "success": true, "watcher": {{watcher}} }"""),
            ("GET", "/watchers") => FakeHandler.Response(HttpStatusCode.OK, $$"""{ "success": true, "watchers": [{{watcher}}] }"""),
            ("DELETE", "/watchers/w1") => FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "watcher_id": "w1" }"""),
            _ => FakeHandler.Response(HttpStatusCode.Conflict, WireSamples.Error("conflict", "at most 5 watchers")),
        });
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var created = await rt.Watchers.CreateAsync("/app", ["*.log"]).Within();
        var create = fake.LastGatewayRequest;
        var all = await rt.Watchers.ListAsync().Within();
        var one = await rt.Watchers.GetAsync("w1").Within();
        await rt.Watchers.DeleteAsync("w1").Within();

        Assert.Equal("""{"path":"/app","excludes":["*.log"]}""", create.Body);
        Assert.Equal(12, created.DirCount);
        Assert.Equal(["node_modules"], created.Excludes);
        Assert.True(created.Active);
        Assert.Equal("w1", Assert.Single(all).Id);
        Assert.Equal("/app", one.Root);
        Assert.Equal((HttpMethod.Delete, "/watchers/w1"), (fake.LastGatewayRequest.Method, fake.LastGatewayRequest.PathAndQuery));
        await Assert.ThrowsAsync<HearthConflictException>(() => rt.Watchers.GetAsync("w2").Within());
    }
}
