using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Runtime;

/// <summary><c>GET /files</c>, <c>/files/stream</c>, <c>/files/stat</c>, <c>/files/mkdir</c> and <c>/files/delete</c> on a real workspace.</summary>
public sealed class FilesTreeTests(WorkspaceFixture fixture) : IClassFixture<WorkspaceFixture>
{
    private const string Tree =
        "rm -rf /proj && mkdir -p /proj/src/lib/deep/deeper /proj/build /proj/.git /proj/node_modules/pkg && cd /proj " +
        "&& printf 'build/\\n*.log\\n!keep.log\\n' > .gitignore && printf 'console.log(1)' > src/app.js && printf 'x' > src/debug.log " +
        "&& printf 'k' > src/keep.log && printf 'def f(): pass' > src/lib/util.py && printf 'd' > src/lib/deep/deeper/d.txt " +
        "&& printf 'o' > build/out.js && printf 'ref' > .git/HEAD && printf 'm' > node_modules/pkg/index.js && printf '# readme' > README.md " +
        "&& printf '\\377\\376' > src/blob.bin && ln -s src/app.js link.js";

    private RuntimeGatewayClient Runtime => fixture.Runtime;

    [Fact]
    public async Task List_without_nested_gives_one_sorted_level_directories_first()
    {
        await Runtime.ShAsync(Tree);

        var list = (await Runtime.GetAsync("/files?path=/proj")).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.True(list.GetProperty("success").GetBoolean());
        Assert.Equal("/proj", list.GetProperty("path").GetString());
        var entries = list.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["node_modules", "src", ".gitignore", "README.md", "link.js"], entries.Select(e => e.GetProperty("name").GetString()));
        Assert.Equal(entries.Count, list.GetProperty("count").GetInt32());
        var readme = entries.Single(e => e.GetProperty("name").GetString() == "README.md");
        Assert.Equal("/proj/README.md", readme.GetProperty("path").GetString());
        Assert.Equal("file", readme.GetProperty("type").GetString());
        Assert.Equal(8, readme.GetProperty("size").GetInt64());
        Assert.True(DateTimeOffset.UtcNow - readme.GetProperty("modified").GetDateTimeOffset() < TimeSpan.FromMinutes(5));
        Assert.Equal("symlink", entries.Single(e => e.GetProperty("name").GetString() == "link.js").GetProperty("type").GetString());
        Assert.False(entries[0].TryGetProperty("children", out _));
    }

    [Fact]
    public async Task Nested_builds_a_tree_honours_gitignore_and_max_depth_and_flatten_lists_paths()
    {
        await Runtime.ShAsync(Tree);

        var tree = (await Runtime.GetAsync("/files?path=/proj&nested=true&max_depth=3")).EnsureStatus(HttpStatusCode.OK).Json;
        var flat = (await Runtime.GetAsync("/files?path=/proj&nested=true&flatten=true")).EnsureStatus(HttpStatusCode.OK).Json;
        var unignored = (await Runtime.GetAsync("/files?path=/proj&nested=true&flatten=true&use_gitignore=false")).EnsureStatus(HttpStatusCode.OK).Json;

        var src = tree.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "src");
        var srcChildren = src.GetProperty("children").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal(["lib", "app.js", "blob.bin", "keep.log"], srcChildren);
        var lib = src.GetProperty("children")[0];
        var deep = lib.GetProperty("children")[0];
        Assert.Equal("/proj/src/lib/deep", deep.GetProperty("path").GetString());
        Assert.Empty(deep.GetProperty("children").EnumerateArray()); // depth 3 reached: deeper is not listed
        Assert.Equal(Count(tree.GetProperty("entries")), tree.GetProperty("count").GetInt32());

        var flatPaths = Paths(flat);
        Assert.Contains("/proj/src/lib/deep/deeper/d.txt", flatPaths);
        Assert.DoesNotContain("/proj/build/out.js", flatPaths);
        Assert.DoesNotContain("/proj/build", flatPaths);
        Assert.DoesNotContain("/proj/src/debug.log", flatPaths);
        Assert.DoesNotContain("/proj/.git/HEAD", flatPaths);
        Assert.Contains("/proj/src/keep.log", flatPaths);
        var allPaths = Paths(unignored);
        Assert.Contains("/proj/build/out.js", allPaths);
        Assert.Contains("/proj/.git/HEAD", allPaths);
    }

    [Fact]
    public async Task Filters_hashes_and_content_follow_the_query()
    {
        await Runtime.ShAsync(Tree);

        var code = (await Runtime.GetAsync("/files?path=/proj&nested=true&flatten=true&code_files_only=true&ignore_patterns=node_modules")).EnsureStatus(HttpStatusCode.OK).Json;
        var byExt = (await Runtime.GetAsync("/files?path=/proj&nested=true&flatten=true&include_ext=.py,md&include_extensions=true")).EnsureStatus(HttpStatusCode.OK).Json;
        var byPath = (await Runtime.GetAsync("/files?path=/proj&nested=true&flatten=true&path_filter=LIB")).EnsureStatus(HttpStatusCode.OK).Json;
        var withContent = (await Runtime.GetAsync("/files?path=/proj/src&include_hash=true&include_content=true&light=true")).EnsureStatus(HttpStatusCode.OK).Json;
        var smallBudget = (await Runtime.GetAsync("/files?path=/proj/src&include_content=true&max_content_budget=5")).EnsureStatus(HttpStatusCode.OK).Json;

        // Depth first, directories before files; a symlink is filtered like a file.
        Assert.Equal(["/proj/src/lib/util.py", "/proj/src/app.js", "/proj/README.md", "/proj/link.js"], Paths(code));
        Assert.Equal(["/proj/src/lib/util.py", "/proj/README.md"], Paths(byExt));
        Assert.Equal("py", byExt.GetProperty("entries")[0].GetProperty("extension").GetString());
        Assert.Equal(["/proj/src/lib/util.py"], Paths(byPath).Where(p => p.EndsWith(".py", StringComparison.Ordinal)));
        var app = Entry(withContent, "app.js");
        Assert.Equal("console.log(1)", app.GetProperty("content").GetString());
        Assert.Equal((await Runtime.ShAsync("sha256sum /proj/src/app.js")).Split(' ')[0], app.GetProperty("hash").GetString());
        Assert.False(app.TryGetProperty("size", out _));
        Assert.False(app.TryGetProperty("modified", out _));
        Assert.False(Entry(withContent, "blob.bin").TryGetProperty("content", out _));
        Assert.True(Entry(withContent, "blob.bin").TryGetProperty("hash", out _));
        Assert.False(Entry(smallBudget, "app.js").TryGetProperty("content", out _));
        Assert.Equal("k", Entry(smallBudget, "keep.log").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Stream_sends_ndjson_start_entries_and_done()
    {
        await Runtime.ShAsync(Tree);

        using var response = await Runtime.Http.GetAsync("/files/stream?path=/proj").Within();
        var body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("start", lines[0].GetProperty("event").GetString());
        Assert.Equal("/proj", lines[0].GetProperty("path").GetString());
        Assert.Equal("done", lines[^1].GetProperty("event").GetString());
        var entries = lines[1..^1];
        Assert.Equal(entries.Count, lines[^1].GetProperty("count").GetInt32());
        Assert.Contains(entries, e => e.GetProperty("path").GetString() == "/proj/src/lib/deep/deeper/d.txt");
        Assert.DoesNotContain(entries, e => e.GetProperty("path").GetString()!.StartsWith("/proj/build", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listings_stop_at_50000_entries_and_say_so()
    {
        await Runtime.ShAsync("rm -rf /many && mkdir /many && cd /many && seq 1 50003 | sed 's/^/f/' | xargs touch");

        var list = (await Runtime.GetAsync("/files?path=/many&light=true")).EnsureStatus(HttpStatusCode.OK).Json;
        using var response = await Runtime.Http.GetAsync("/files/stream?path=/many&light=true").Within();
        var lines = (await response.Content.ReadAsStringAsync().Within()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await Runtime.ShAsync("rm -rf /many");

        Assert.Equal(50_000, list.GetProperty("count").GetInt32());
        Assert.Equal(50_000, list.GetProperty("entries").GetArrayLength());
        Assert.True(list.GetProperty("truncated").GetBoolean());
        Assert.Equal(50_002, lines.Length);
        var done = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(50_000, done.GetProperty("count").GetInt32());
        Assert.True(done.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task Listing_a_missing_or_non_directory_path_is_an_error_before_anything_streams()
    {
        var missing = await Runtime.GetAsync("/files/stream?path=/nowhere");
        await Runtime.ShAsync("printf x > /proj-file");
        var file = await Runtime.GetAsync("/files?path=/proj-file");
        var badDepth = await Runtime.GetAsync("/files?max_depth=0&nested=maybe");

        ApiAssert.Error(missing, HttpStatusCode.NotFound, "not_found");
        Assert.Contains("/nowhere", ApiAssert.Message(missing), StringComparison.Ordinal);
        ApiAssert.Error(file, HttpStatusCode.BadRequest, "bad_request");
        ApiAssert.NamesField(badDepth, "max_depth");
        ApiAssert.NamesField(badDepth, "nested");
    }

    [Fact]
    public async Task The_root_listing_hides_the_agents_mounts()
    {
        var root = (await Runtime.GetAsync("/files")).EnsureStatus(HttpStatusCode.OK).Json;

        var names = root.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Contains("proc", names);
        Assert.Contains("bin", names);
        Assert.DoesNotContain(".hearth", names);
        Assert.DoesNotContain(".hearth-run", names);
    }

    [Fact]
    public async Task Stat_describes_a_file_a_directory_and_a_symlink()
    {
        await Runtime.ShAsync(Tree);

        var file = (await Runtime.GetAsync("/files/stat?path=/proj/src/lib/util.py")).EnsureStatus(HttpStatusCode.OK).Json;
        var dir = (await Runtime.GetAsync("/files/stat?path=/proj/src")).EnsureStatus(HttpStatusCode.OK).Json;
        var link = (await Runtime.GetAsync("/files/stat?path=/proj/link.js")).EnsureStatus(HttpStatusCode.OK).Json;
        var missing = await Runtime.GetAsync("/files/stat?path=/proj/nope");

        Assert.Equal("util.py", file.GetProperty("name").GetString());
        Assert.Equal("file", file.GetProperty("type").GetString());
        Assert.Equal(13, file.GetProperty("size").GetInt64());
        Assert.Equal("0644", file.GetProperty("permissions").GetString());
        Assert.True(file.GetProperty("is_code").GetBoolean());
        Assert.Equal("py", file.GetProperty("extension").GetString());
        Assert.Equal("directory", dir.GetProperty("type").GetString());
        Assert.False(dir.GetProperty("is_code").GetBoolean());
        Assert.Equal("symlink", link.GetProperty("type").GetString());
        Assert.Equal("src/app.js", link.GetProperty("symlink_target").GetString());
        ApiAssert.Error(missing, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Mkdir_creates_parents_with_the_mode_and_answers_201()
    {
        var made = await Runtime.PostAsync("/files/mkdir", """{"path":"/mk/a/b/c","mode":"0700"}""");
        var again = await Runtime.PostAsync("/files/mkdir", """{"path":"/mk/a/b/c"}""");
        await Runtime.ShAsync("printf x > /mk/file");
        var onFile = await Runtime.PostAsync("/files/mkdir", """{"path":"/mk/file"}""");
        var noPath = await Runtime.PostAsync("/files/mkdir", """{"mode":"0755"}""");

        made.EnsureStatus(HttpStatusCode.Created);
        Assert.Equal("/mk/a/b/c", made.Json.GetProperty("path").GetString());
        again.EnsureStatus(HttpStatusCode.Created);
        Assert.Equal("755 700\n", await Runtime.ShAsync("echo $(stat -c %a /mk/a/b) $(stat -c %a /mk/a/b/c)"));
        ApiAssert.Error(onFile, HttpStatusCode.Conflict, "conflict");
        ApiAssert.NamesField(noPath, "path");
    }

    [Fact]
    public async Task Delete_removes_trees_in_either_form_and_never_a_symlinks_target()
    {
        await Runtime.ShAsync("rm -rf /del /kept && mkdir -p /del/a/b/c /kept && touch /del/a/b/c/f /kept/k && ln -s /kept /del/a/link && ln -s /kept /lonely-link");

        var posted = await Runtime.PostAsync("/files/delete", """{"path":"/del"}""");
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/files/delete?path=/lonely-link");
        using var deleted = await Runtime.Http.SendAsync(request).Within();
        var twice = await Runtime.PostAsync("/files/delete", """{"path":"/del"}""");

        posted.EnsureStatus(HttpStatusCode.OK);
        Assert.Equal("/del", posted.Json.GetProperty("path").GetString());
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("gone\ngone\nk\n", await Runtime.ShAsync("test -e /del || echo gone; test -L /lonely-link || echo gone; ls /kept"));
        ApiAssert.Error(twice, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Protected_paths_are_403_however_they_are_spelled()
    {
        foreach (var path in new[] { "/", "/bin", "/sbin", "/usr", "/lib", "/etc", "/dev", "/proc", "/sys", "/boot", "/run", "/tmp/../etc", "etc", "//usr/", "/.hearth", "/.hearth/bin/hearth-agent", "/.hearth-run/agent.sock" })
        {
            var response = await Runtime.DeleteAsync("/files/delete?path=" + Uri.EscapeDataString(path));
            ApiAssert.Error(response, HttpStatusCode.Forbidden, "forbidden");
        }

        // A symlink to a protected directory is only a symlink: deleting it removes the link.
        await Runtime.ShAsync("ln -sf /etc /etc-link");
        (await Runtime.DeleteAsync("/files/delete?path=/etc-link")).EnsureStatus(HttpStatusCode.OK);
        Assert.Equal("ok\n", await Runtime.ShAsync("test -d /etc && test -d /bin && test -S /.hearth-run/agent.sock && echo ok"));
    }

    private static List<string> Paths(JsonElement list) =>
        list.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToList();

    private static JsonElement Entry(JsonElement list, string name) =>
        list.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    private static int Count(JsonElement entries) =>
        entries.EnumerateArray().Sum(e => 1 + (e.TryGetProperty("children", out var c) ? Count(c) : 0));
}
