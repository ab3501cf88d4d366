using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.Protocol.Runtime;
using Hearth.Sdk.Runtime;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Runtime;

public sealed class FilesClientTests
{
    private const string Listing = """
        { "success": true, "path": "/app", "count": 2, "entries": [
          { "name": "src", "path": "/app/src", "type": "directory", "modified": "2025-06-01T12:00:00Z",
            "children": [{ "name": "a.ts", "path": "/app/src/a.ts", "type": "file", "size": 12, "extension": "ts", "hash": "ab12", "content": "let a = 1;\n" }] },
          { "name": "link", "path": "/app/link", "type": "symlink" } ] }
        """;

    [Fact]
    public async Task List_sends_every_option_under_its_official_query_name_and_reads_nested_entries()
    {
        var fake = RuntimeFake.Answering(Listing);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var listing = await rt.Files.ListAsync("/app", new FileListOptions
        {
            Nested = true,
            Flatten = false,
            Light = true,
            IncludeHash = true,
            IncludeContent = true,
            IncludeExtensions = true,
            CodeFilesOnly = true,
            UseGitignore = false,
            MaxDepth = 3,
            PathFilter = "src",
            IncludeExt = "ts,js",
            IgnorePatterns = "*.log,dist",
            MaxContentBudget = 1000,
        }).Within();

        var request = fake.LastGatewayRequest;
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(
            "/files?path=%2Fapp&nested=true&flatten=false&light=true&include_hash=true&include_content=true&include_extensions=true" +
            "&code_files_only=true&use_gitignore=false&max_depth=3&path_filter=src&include_ext=ts%2Cjs&ignore_patterns=%2A.log%2Cdist&max_content_budget=1000",
            request.PathAndQuery);
        Assert.Equal(2, listing.Count);
        var src = listing.Entries[0];
        Assert.Equal("directory", src.Type);
        Assert.Null(src.Size);
        var file = Assert.Single(src.Children!);
        Assert.Equal(12, file.Size);
        Assert.Equal("ts", file.Extension);
        Assert.Equal("ab12", file.Hash);
        Assert.Equal("let a = 1;\n", file.Content);
        Assert.Equal("symlink", listing.Entries[1].Type);
    }

    [Fact]
    public async Task List_without_options_sends_no_query()
    {
        var fake = RuntimeFake.Answering(Listing);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        await rt.Files.ListAsync().Within();

        Assert.Equal("/files", fake.LastGatewayRequest.PathAndQuery);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(4096)]
    public async Task Stream_reads_ndjson_lines_split_anywhere_and_skips_the_event_lines(int chunk)
    {
        var body = "{\"event\":\"start\",\"path\":\"/app\"}\n" +
            "{\"name\":\"a.txt\",\"path\":\"/app/a.txt\",\"type\":\"file\",\"size\":3}\n\n" +
            "{\"name\":\"é\",\"path\":\"/app/é\",\"type\":\"directory\"}\n" +
            "{\"event\":\"done\",\"count\":2}\n";
        var fake = new RuntimeFake(_ => RuntimeFake.Stream(body, "application/x-ndjson", chunk));
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var entries = await ExecClientTests.Collect(rt.Files.StreamAsync("/app", new FileListOptions { Light = true }));

        Assert.Equal("/files/stream?path=%2Fapp&light=true", fake.LastGatewayRequest.PathAndQuery);
        Assert.Equal(["/app/a.txt", "/app/é"], entries.Select(e => e.Path));
        Assert.Equal(3, entries[0].Size);
    }

    [Fact]
    public async Task Read_sends_the_line_range_and_reads_the_answer()
    {
        var fake = RuntimeFake.Answering("""
            { "success": true, "path": "/app/a.ts", "content": "2\n3\n", "size": 6, "lines": 3, "extension": "ts", "start_line": 2, "end_line": 3 }
            """);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var file = await rt.Files.ReadAsync("/app/a.ts", new FileReadOptions { StartLine = 2, EndLine = 3, WithLineNumbers = false }).Within();

        Assert.Equal("/files/read?path=%2Fapp%2Fa.ts&start_line=2&end_line=3&with_line_numbers=false", fake.LastGatewayRequest.PathAndQuery);
        Assert.Equal("2\n3\n", file.Content);
        Assert.Equal(6, file.Size);
        Assert.Equal(3, file.Lines);
        Assert.Equal(2, file.StartLine);
        Assert.Equal(3, file.EndLine);
    }

    [Fact]
    public async Task Write_mkdir_and_delete_post_their_json_bodies()
    {
        var fake = new RuntimeFake(request => request.PathAndQuery switch
        {
            "/files/write" => FakeHandler.Response(HttpStatusCode.Created, """{ "success": true, "path": "/app/x", "size": 2 }"""),
            _ => FakeHandler.Response(HttpStatusCode.Created, """{ "success": true, "path": "/app/d" }"""),
        });
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var written = await rt.Files.WriteAsync(new FileWriteRequest { Path = "/app/x", Content = "hi", CreateDirs = true, Append = false, Mode = "0600" }).Within();
        var write = fake.LastGatewayRequest;
        await rt.Files.WriteAsync("/app/x", "hi").Within();
        var shortWrite = fake.LastGatewayRequest;
        await rt.Files.MkdirAsync("/app/d", "0700").Within();
        var mkdir = fake.LastGatewayRequest;
        var deleted = await rt.Files.DeleteAsync("/app/d").Within();
        var delete = fake.LastGatewayRequest;

        Assert.Equal(2, written.Size);
        Assert.Equal((HttpMethod.Post, "/files/write"), (write.Method, write.PathAndQuery));
        Assert.Equal("""{"path":"/app/x","content":"hi","create_dirs":true,"append":false,"mode":"0600"}""", write.Body);
        Assert.Equal("""{"path":"/app/x","content":"hi"}""", shortWrite.Body);
        Assert.Equal((HttpMethod.Post, "/files/mkdir"), (mkdir.Method, mkdir.PathAndQuery));
        Assert.Equal("""{"path":"/app/d","mode":"0700"}""", mkdir.Body);
        Assert.Equal((HttpMethod.Post, "/files/delete"), (delete.Method, delete.PathAndQuery));
        Assert.Equal("""{"path":"/app/d"}""", delete.Body);
        Assert.Equal("/app/d", deleted.Path);
    }

    [Fact]
    public async Task Stat_reads_permissions_is_code_and_the_symlink_target()
    {
        var fake = RuntimeFake.Answering("""
            { "success": true, "path": "/app/l", "name": "l", "type": "symlink", "size": 5, "modified": "2025-06-01T12:00:00Z",
              "permissions": "0777", "is_code": false, "symlink_target": "/app/a.ts" }
            """);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var stat = await rt.Files.StatAsync("/app/l").Within();

        Assert.Equal("/files/stat?path=%2Fapp%2Fl", fake.LastGatewayRequest.PathAndQuery);
        Assert.Equal("0777", stat.Permissions);
        Assert.False(stat.IsCode);
        Assert.Equal("/app/a.ts", stat.SymlinkTarget);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero), stat.Modified);
    }

    [Fact]
    public async Task A_protected_path_is_a_403_api_exception()
    {
        var fake = RuntimeFake.Answering(WireSamples.Error("forbidden", "/usr is protected"), HttpStatusCode.Forbidden);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var ex = await Assert.ThrowsAsync<HearthApiException>(() => rt.Files.DeleteAsync("/usr").Within());

        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal("forbidden", ex.Code);
    }

    [Fact]
    public async Task Download_posts_paths_and_excludes_and_returns_the_body_as_a_stream()
    {
        var tarGz = new byte[] { 0x1f, 0x8b, 8, 0, 1, 2, 3 };
        var fake = new RuntimeFake(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(tarGz) });
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        await using var stream = await rt.Files.DownloadAsync(["/app/src", "/app/package.json"], ["node_modules", ".git"]).Within();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy).Within();

        var request = fake.LastGatewayRequest;
        Assert.Equal((HttpMethod.Post, "/files/transfer/download"), (request.Method, request.PathAndQuery));
        Assert.Equal("""{"paths":["/app/src","/app/package.json"],"exclude_patterns":["node_modules",".git"]}""", request.Body);
        Assert.Equal(tarGz, copy.ToArray());
    }

    [Fact]
    public async Task Upload_streams_the_archive_as_gzip_to_dest_and_leaves_the_stream_open()
    {
        var fake = RuntimeFake.Answering("""{ "success": true, "dest": "/srv/www", "files_extracted": 7 }""");
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);
        using var archive = new NonSeekableStream(Encoding.ASCII.GetBytes("tar-gz-bytes"));

        var result = await rt.Files.UploadAsync(archive, "/srv/www").Within();

        var request = fake.LastGatewayRequest;
        Assert.Equal((HttpMethod.Post, "/files/transfer/upload?dest=%2Fsrv%2Fwww"), (request.Method, request.PathAndQuery));
        Assert.Equal("application/gzip", request.Header("Content-Type"));
        Assert.Null(request.Header("Content-Length"));
        Assert.Equal("tar-gz-bytes", request.Body);
        Assert.Equal(7, result.FilesExtracted);
        Assert.Equal("/srv/www", result.Dest);
        Assert.True(archive.CanRead, "the caller's stream stays open");
    }

    [Fact]
    public async Task A_seekable_upload_is_rewound_and_sent_again_after_a_401()
    {
        var fake = new RuntimeFake(request => request.Header("Authorization") == "Bearer tok-1"
            ? FakeHandler.Response(HttpStatusCode.Unauthorized, WireSamples.Error("authentication_error", "expired"))
            : FakeHandler.Response(HttpStatusCode.OK, """{ "success": true, "dest": "/", "files_extracted": 1 }"""));
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);
        using var archive = new MemoryStream(Encoding.ASCII.GetBytes("abc"));

        await rt.Files.UploadAsync(archive).Within();

        Assert.Equal(["abc", "abc"], fake.GatewayRequests.Select(r => r.Body));
        Assert.Equal("/files/transfer/upload?dest=%2F", fake.LastGatewayRequest.PathAndQuery);
    }

    [Fact]
    public async Task A_non_seekable_upload_refused_with_401_is_not_retried()
    {
        var fake = RuntimeFake.Answering(WireSamples.Error("authentication_error", "expired"), HttpStatusCode.Unauthorized);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        await Assert.ThrowsAsync<HearthAuthenticationException>(() => rt.Files.UploadAsync(new NonSeekableStream([1, 2, 3])).Within());

        Assert.Single(fake.GatewayRequests);
    }

    [Fact]
    public void A_file_entry_round_trips_with_the_wire_names()
    {
        var json = JsonSerializer.Serialize(new FileEntry { Name = "a", Path = "/a", Type = "file", Size = 1, Children = [] },
            Hearth.Protocol.Json.HearthJsonContext.Default.FileEntry);

        Assert.Equal("""{"name":"a","path":"/a","type":"file","size":1,"children":[]}""", json);
    }

    private sealed class NonSeekableStream(byte[] bytes) : Fakes.ReadOnlyStream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
    }
}
