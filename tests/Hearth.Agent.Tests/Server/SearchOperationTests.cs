using System.Text.Json;
using Hearth.Agent.Tests.Infrastructure;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Tests.Server;

/// <summary>
/// The agent's search operations in a real container whose bundle has no ripgrep (this
/// fixture copies only the agent): content search falls back to the built-in engine and says so.
/// </summary>
public sealed class SearchOperationTests(IdleAgentFixture fixture) : IClassFixture<IdleAgentFixture>
{
    [Fact]
    public async Task Without_ripgrep_in_the_bundle_status_says_builtin_and_why()
    {
        await using var client = await fixture.Container.ConnectAsync();

        var end = await (await client.StartOperationAsync("search.status")).WaitForEndAsync();

        Assert.Equal("result", end.Op);
        var status = end.Result!.Value.Deserialize(AgentWatchSearchJsonContext.Default.SearchStatus)!;
        Assert.False(status.Installed);
        Assert.Equal("builtin", status.Engine);
        Assert.Contains("not in the agent's bundle", status.Message);
    }

    [Fact]
    public async Task The_builtin_content_search_finds_lines_with_columns_and_skips_binary_hidden_and_ignored_files()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await RunAsync(client, "rm -rf /tmp/s1 && mkdir -p /tmp/s1/.hidden /tmp/s1/ignored && cd /tmp/s1 && " +
                               "printf 'first\\nsay needle here\\nlast\\n' > a.txt && printf 'needle\\n' > .hidden/h.txt && " +
                               "printf 'needle\\n' > ignored/i.txt && printf 'ignored/\\n' > .gitignore && printf 'x\\0needle\\n' > bin.dat");

        var (hits, summary) = await SearchAsync(client, new ContentSearchArgs { Query = "needle", Path = "/tmp/s1", ContextLines = 1 });

        Assert.Equal("builtin", summary.Engine);
        Assert.Equal("/tmp/s1", summary.Path);
        Assert.Equal(
            [("a.txt", 1, (int?)null, "first"), ("a.txt", 2, 5, "say needle here"), ("a.txt", 3, null, "last")],
            hits.Select(h => (h.File, h.Line, h.Column, h.Text)));
    }

    [Fact]
    public async Task File_search_does_not_follow_a_symlink_to_the_bundle()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await RunAsync(client, "rm -rf /tmp/s2 && mkdir -p /tmp/s2/real && echo x > /tmp/s2/real/hearth-agent.txt && ln -s /.hearth /tmp/s2/bundle");

        var search = await client.StartOperationAsync("search.files",
            JsonSerializer.SerializeToElement(new FileSearchArgs { Query = "hearth-agent", Path = "/tmp/s2" }, AgentWatchSearchJsonContext.Default.FileSearchArgs));
        var end = await search.WaitForEndAsync();
        var direct = await (await client.StartOperationAsync("search.files",
            JsonSerializer.SerializeToElement(new FileSearchArgs { Query = "hearth-agent", Path = "/tmp/s2/bundle" }, AgentWatchSearchJsonContext.Default.FileSearchArgs))).WaitForEndAsync();

        Assert.Equal("result", end.Op);
        Assert.Equal("\"real/hearth-agent.txt\"\n", search.StdoutText);
        Assert.Equal(("error", "forbidden"), (direct.Op, direct.Error));
    }

    [Fact]
    public async Task A_catastrophic_regex_times_out_instead_of_holding_the_agent()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await RunAsync(client, "rm -rf /tmp/s3 && mkdir -p /tmp/s3 && yes 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' | head -n 200 > /tmp/s3/a.txt");
        var started = DateTime.UtcNow;

        var operation = await client.StartOperationAsync("search.content",
            JsonSerializer.SerializeToElement(new ContentSearchArgs { Query = "(a+)+b", Regex = true, Path = "/tmp/s3", TimeoutSeconds = 1 },
                AgentWatchSearchJsonContext.Default.ContentSearchArgs));
        var end = await operation.WaitForEndAsync();

        Assert.Equal(("error", "timeout"), (end.Op, end.Error));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"took {DateTime.UtcNow - started}");
    }

    private static async Task<(List<SearchHit> Hits, SearchSummary Summary)> SearchAsync(AgentClient client, ContentSearchArgs args)
    {
        var operation = await client.StartOperationAsync("search.content", JsonSerializer.SerializeToElement(args, AgentWatchSearchJsonContext.Default.ContentSearchArgs));
        var end = await operation.WaitForEndAsync();
        Assert.True(end.Op == "result", $"{end.Op} {end.Error} {end.Message}");
        var hits = operation.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize(line, AgentWatchSearchJsonContext.Default.SearchHit)!).ToList();
        return (hits, end.Result!.Value.Deserialize(AgentWatchSearchJsonContext.Default.SearchSummary)!);
    }

    private static async Task RunAsync(AgentClient client, string script)
    {
        var process = await client.SpawnAsync(["sh", "-c", script]);
        var exit = await process.WaitForEndAsync();
        Assert.True(exit.ExitCode == 0, $"`{script}`: {exit.Op} {exit.ExitCode} {process.StderrText}");
    }
}
