using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Runtime;

/// <summary>
/// <c>/files/search</c> and <c>/files/search/files</c> through the runtime gateway to a real
/// workspace (tree: <see cref="SearchWorkspaceFixture"/>). Every test runs twice: with ripgrep
/// from the agent's bundle and with the built-in search, which must answer the same.
/// </summary>
public abstract class RuntimeSearchTests(SearchWorkspaceFixture fixture)
{
    /// <summary>What <c>engine</c> every content search of the class must report.</summary>
    protected abstract string Engine { get; }

    protected RuntimeGatewayClient Gateway => fixture.Gateway;

    [Fact]
    public async Task A_case_sensitive_literal_match_has_its_line_column_and_text()
    {
        var json = await SearchAsync("q=Hello%20World&case_sensitive=true&path=/s/src");

        Assert.True(json.GetProperty("success").GetBoolean());
        Assert.Equal("Hello World", json.GetProperty("query").GetString());
        Assert.Equal("/s/src", json.GetProperty("path").GetString());
        Assert.Equal(Engine, json.GetProperty("engine").GetString());
        Assert.Equal(["app.ts:1:19:const greeting = 'Hello World';"], Matches(json));
        Assert.Equal(1, json.GetProperty("total_matches").GetInt32());
        Assert.Equal(1, json.GetProperty("total_files").GetInt32());
        Assert.False(json.GetProperty("capped").GetBoolean());
    }

    [Fact]
    public async Task Searches_ignore_case_unless_asked_and_the_query_is_literal_unless_regex()
    {
        var insensitive = await SearchAsync("q=hello&path=/s/src");
        var literal = await SearchAsync("q=hello()&path=/s/src");
        var regex = await SearchAsync("q=" + Uri.EscapeDataString(@"def \w+\(\)") + "&regex=true&path=/s/src");

        Assert.Equal(["app.ts:1", "app.ts:2", "notes.md:3", "util.py:1", "util.py:2"], Lines(insensitive));
        Assert.Equal(5, insensitive.GetProperty("total_matches").GetInt32());
        Assert.Equal(3, insensitive.GetProperty("total_files").GetInt32());
        Assert.Equal(["util.py:1:5:def hello():"], Matches(literal));
        Assert.Equal(["util.py:1:1:def hello():"], Matches(regex));
    }

    [Fact]
    public async Task Whole_word_leaves_out_matches_inside_words()
    {
        var json = await SearchAsync("q=hello&whole_word=true&path=/s/src");

        Assert.Equal(["app.ts:1", "notes.md:3", "util.py:1", "util.py:2"], Lines(json));
    }

    [Fact]
    public async Task Context_lines_come_around_the_match_without_a_column()
    {
        var json = await SearchAsync("q=HELLO%20upper&case_sensitive=true&context_lines=1&path=/s/src");

        var lines = json.GetProperty("results").GetProperty("notes.md").EnumerateArray()
            .Select(l => (l.GetProperty("line").GetInt32(), l.TryGetProperty("column", out var c) ? c.GetInt32() : 0, l.GetProperty("text").GetString()))
            .ToList();
        Assert.Equal([(2, 0, "line two"), (3, 1, "HELLO upper"), (4, 0, "line four")], lines);
        Assert.Equal(1, json.GetProperty("total_matches").GetInt32());
    }

    [Fact]
    public async Task File_types_and_ignore_patterns_choose_the_files()
    {
        var types = await SearchAsync("q=hello&file_types=py,.md&path=/s/src");
        var ignored = await SearchAsync("q=hello&ignore_patterns=*.py,notes.md&path=/s/src");

        Assert.Equal(["notes.md", "util.py"], Files(types));
        Assert.Equal(["app.ts"], Files(ignored));
    }

    [Fact]
    public async Task Hidden_and_gitignored_files_are_searched_only_when_asked()
    {
        Assert.Empty(Files(await SearchAsync("q=hello%20hidden&path=/s")));
        Assert.Equal([".hidden/secret.txt"], Files(await SearchAsync("q=hello%20hidden&path=/s&include_hidden=true")));
        Assert.Empty(Files(await SearchAsync("q=hello%20ignored&path=/s")));
        Assert.Empty(Files(await SearchAsync("q=hello%20log&path=/s")));
        Assert.Equal(["ignored/x.txt"], Files(await SearchAsync("q=hello%20ignored&path=/s&no_gitignore=true")));
        Assert.Equal(["app.log"], Files(await SearchAsync("q=hello%20log&path=/s&no_gitignore=true")));
    }

    [Fact]
    public async Task Ignore_files_in_the_parents_of_the_searched_directory_count_too()
    {
        Assert.Equal(["keep.txt"], Files(await SearchAsync("q=hello%20parent&path=/s2/sub")));
        Assert.Equal(["keep.txt", "skip.txt"], Files(await SearchAsync("q=hello%20parent&path=/s2/sub&no_gitignore=true")));
    }

    [Fact]
    public async Task Binary_files_are_skipped()
    {
        Assert.Empty(Files(await SearchAsync("q=binary&path=/s&no_gitignore=true")));
    }

    [Fact]
    public async Task Max_results_caps_the_matches_and_says_so()
    {
        var capped = await SearchAsync("q=needle&path=/s/many&max_results=10");
        var all = await SearchAsync("q=needle&path=/s/many&max_results=1000");

        Assert.Equal(10, capped.GetProperty("total_matches").GetInt32());
        Assert.Equal(10, capped.GetProperty("results").EnumerateObject().Sum(f => f.Value.GetArrayLength()));
        Assert.True(capped.GetProperty("capped").GetBoolean());
        Assert.Equal(150, all.GetProperty("total_matches").GetInt32());
        Assert.Equal(30, all.GetProperty("total_files").GetInt32());
        Assert.False(all.GetProperty("capped").GetBoolean());
    }

    [Fact]
    public async Task Searching_the_whole_workspace_leaves_out_proc_sys_dev_and_the_agent()
    {
        // ripgrep's own /proc/<pid>/cmdline holds the query: only excluding /proc keeps it out.
        var json = await SearchAsync("q=unique-marker-7f3a&path=/&include_hidden=true&no_gitignore=true");

        Assert.Equal(["s/marker.txt"], Files(json));
    }

    [Fact]
    public async Task An_invalid_regex_is_a_bad_request()
    {
        var response = await Gateway.GetAsync("/files/search?q=(&regex=true&path=/s");

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task A_search_longer_than_its_timeout_is_a_504()
    {
        var stopwatch = Stopwatch.StartNew();

        var response = await Gateway.GetAsync("/files/search?regex=true&timeout=1&path=/big&q=" + Uri.EscapeDataString(@"[\w\s]{100,300}\d"));

        ApiAssert.Error(response, HttpStatusCode.GatewayTimeout, "timeout");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(6), $"the 1 s search answered after {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task File_name_search_matches_the_path_ignoring_case_unless_asked()
    {
        var found = (await Gateway.GetAsync("/files/search/files?q=UTIL&path=/s")).EnsureStatus(HttpStatusCode.OK).Json;
        var sensitive = (await Gateway.GetAsync("/files/search/files?q=UTIL&path=/s&case_sensitive=true")).EnsureStatus(HttpStatusCode.OK).Json;
        var hidden = (await Gateway.GetAsync("/files/search/files?q=secret&path=/s")).EnsureStatus(HttpStatusCode.OK).Json;
        var shown = (await Gateway.GetAsync("/files/search/files?q=secret&path=/s&include_hidden=true")).EnsureStatus(HttpStatusCode.OK).Json;
        var capped = (await Gateway.GetAsync("/files/search/files?q=.txt&path=/s/many&max_results=5")).EnsureStatus(HttpStatusCode.OK).Json;
        var ignored = (await Gateway.GetAsync("/files/search/files?q=many/f1&path=/s&ignore_patterns=f1*")).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.True(found.GetProperty("success").GetBoolean());
        Assert.Equal("UTIL", found.GetProperty("query").GetString());
        Assert.Equal("/s", found.GetProperty("path").GetString());
        Assert.Equal(["src/util.py"], Names(found));
        Assert.Equal(1, found.GetProperty("total_files").GetInt32());
        Assert.Empty(Names(sensitive));
        Assert.Empty(Names(hidden));
        Assert.Equal([".hidden/secret.txt"], Names(shown));
        Assert.Equal(5, Names(capped).Count);
        Assert.Equal(5, capped.GetProperty("total_files").GetInt32());
        Assert.Empty(Names(ignored));
    }

    [Fact]
    public async Task Symlinks_in_the_tree_are_not_followed_and_one_to_the_bundle_is_refused()
    {
        var byName = (await Gateway.GetAsync("/files/search/files?q=hearth-agent&path=/s&include_hidden=true")).EnsureStatus(HttpStatusCode.OK).Json;
        var throughLink = await SearchAsync("q=target-secret-line&path=/s&include_hidden=true&no_gitignore=true");
        var direct = await SearchAsync("q=target-secret-line&path=/data");
        var namedLink = await SearchAsync("q=target-secret-line&path=/s/data-link");

        Assert.Empty(Names(byName));
        Assert.Empty(Files(throughLink));
        Assert.Equal(["target.txt"], Files(direct));
        Assert.Equal("/data", namedLink.GetProperty("path").GetString());
        ApiAssert.Error(await Gateway.GetAsync("/files/search?q=x&path=/s/bundle-link"), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Gateway.GetAsync("/files/search/files?q=x&path=/s/bundle-link/bin"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("/proc", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("/.hearth", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("/.hearth-run", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("/sys", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("/s/../../proc/1", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("/nope", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/s/marker.txt", HttpStatusCode.BadRequest, "bad_request")]
    public async Task A_path_that_is_reserved_missing_or_a_file_is_refused(string path, HttpStatusCode status, string code)
    {
        ApiAssert.Error(await Gateway.GetAsync($"/files/search?q=x&path={Uri.EscapeDataString(path)}"), status, code);
        ApiAssert.Error(await Gateway.GetAsync($"/files/search/files?q=x&path={Uri.EscapeDataString(path)}"), status, code);
    }

    [Theory]
    [InlineData("/files/search?path=/s", "q")]
    [InlineData("/files/search?q=", "q")]
    [InlineData("/files/search?q=x&max_results=0", "max_results")]
    [InlineData("/files/search?q=x&context_lines=11", "context_lines")]
    [InlineData("/files/search?q=x&timeout=61", "timeout")]
    [InlineData("/files/search?q=x&regex=maybe", "regex")]
    [InlineData("/files/search?q=x&file_types=a/b", "file_types")]
    [InlineData("/files/search/files?path=/s", "q")]
    [InlineData("/files/search/files?q=x&max_results=-1", "max_results")]
    public async Task Bad_parameters_are_a_400_naming_the_field(string pathAndQuery, string field)
    {
        var response = await Gateway.GetAsync(pathAndQuery);

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(response, field);
    }

    [Fact]
    public async Task A_query_longer_than_1000_characters_is_refused()
    {
        var response = await Gateway.GetAsync("/files/search?q=" + new string('x', 1001));

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(response, "q");
    }

    protected async Task<JsonElement> SearchAsync(string query) =>
        (await Gateway.GetAsync("/files/search?" + query)).EnsureStatus(HttpStatusCode.OK).Json;

    /// <summary>"file:line:column:text" for each match (context lines left out), sorted.</summary>
    private static List<string> Matches(JsonElement json) =>
        [.. json.GetProperty("results").EnumerateObject()
            .SelectMany(f => f.Value.EnumerateArray().Where(l => l.TryGetProperty("column", out _))
                .Select(l => $"{f.Name}:{l.GetProperty("line").GetInt32()}:{l.GetProperty("column").GetInt32()}:{l.GetProperty("text").GetString()}"))
            .Order(StringComparer.Ordinal)];

    /// <summary>"file:line" for each match, sorted.</summary>
    private static List<string> Lines(JsonElement json) =>
        [.. Matches(json).Select(m => string.Join(':', m.Split(':')[..2])).Order(StringComparer.Ordinal)];

    private static List<string> Files(JsonElement json) =>
        [.. json.GetProperty("results").EnumerateObject().Select(f => f.Name).Order(StringComparer.Ordinal)];

    private static List<string> Names(JsonElement json) =>
        [.. json.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).Order(StringComparer.Ordinal)];
}

/// <summary>The search tests with ripgrep shipped in the agent's bundle.</summary>
public sealed class RuntimeSearchRipgrepTests(RipgrepSearchFixture fixture) : RuntimeSearchTests(fixture), IClassFixture<RipgrepSearchFixture>
{
    protected override string Engine => "ripgrep";

    [Fact]
    public async Task Init_reports_the_bundled_ripgrep_for_get_and_post()
    {
        var status = (await Gateway.GetAsync("/files/search/init")).EnsureStatus(HttpStatusCode.OK).Json;
        var init = (await Gateway.PostAsync("/files/search/init")).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.True(status.GetProperty("installed").GetBoolean(), status.ToString());
        Assert.Equal("/.hearth/bin/rg", status.GetProperty("path").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+$", status.GetProperty("version").GetString());
        Assert.Equal(status.ToString(), init.ToString());
    }
}

/// <summary>The same tests with the built-in search, which the workspace asks for.</summary>
public sealed class RuntimeSearchBuiltinTests(BuiltinSearchFixture fixture) : RuntimeSearchTests(fixture), IClassFixture<BuiltinSearchFixture>
{
    protected override string Engine => "builtin";

    [Fact]
    public async Task Init_says_ripgrep_is_not_used_and_why()
    {
        var status = (await Gateway.GetAsync("/files/search/init")).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.False(status.GetProperty("installed").GetBoolean());
        Assert.Contains("HEARTH_SEARCH_ENGINE=builtin", status.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
