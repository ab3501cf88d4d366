using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Runtime;

/// <summary>
/// <c>/watchers</c> through the runtime gateway, to inotify in a real workspace's agent; events
/// observed end to end on the watcher's SSE stream (<c>GET /watchers/:id/events</c>), which
/// carries the same messages hearthd publishes for <c>/ws</c>.
/// </summary>
public sealed class RuntimeWatcherTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    [Fact]
    public async Task Create_write_rename_and_remove_each_arrive_with_their_path_and_op_within_a_second()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        await gateway.ShAsync("mkdir -p /w/sub");

        var created = (await gateway.PostAsync("/watchers", """{"path":"/w"}""")).EnsureStatus(HttpStatusCode.Created).Json;
        var watcher = created.GetProperty("watcher");
        var id = watcher.GetProperty("id").GetString()!;
        Assert.True(created.GetProperty("success").GetBoolean());
        Assert.Equal("/w", watcher.GetProperty("root").GetString());
        Assert.Equal(2, watcher.GetProperty("dir_count").GetInt32());
        Assert.True(watcher.GetProperty("active").GetBoolean());
        Assert.Contains("node_modules", watcher.GetProperty("excludes").EnumerateArray().Select(e => e.GetString()));
        await using var events = await WatcherEventStream.OpenAsync(gateway, id);

        await gateway.ShAsync("echo one > /w/sub/a.txt");
        await events.WaitForChangeAsync("/w/sub/a.txt", "create");
        await gateway.ShAsync("echo two >> /w/sub/a.txt");
        await events.WaitForChangeAsync("/w/sub/a.txt", "write");
        await gateway.ShAsync("mv /w/sub/a.txt /w/b.txt");
        await events.WaitForChangeAsync("/w/sub/a.txt", "rename");
        await events.WaitForChangeAsync("/w/b.txt", "rename");
        await gateway.ShAsync("rm /w/b.txt");
        await events.WaitForChangeAsync("/w/b.txt", "remove");

        var change = events.Received.First(e => e.Event == "change").Data;
        Assert.Equal("watcher", change.GetProperty("channel").GetString());
        Assert.Equal("change", change.GetProperty("type").GetString());
        Assert.Equal(id, change.GetProperty("watcher_id").GetString());
    }

    [Fact]
    public async Task Files_in_a_new_subdirectory_are_seen_and_the_subdirectory_stays_watched()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        await gateway.ShAsync("mkdir -p /w");
        var id = await CreateAsync(gateway, """{"root":"/w"}""");
        await using var events = await WatcherEventStream.OpenAsync(gateway, id);

        // One command: the files exist before hearthd's agent can have watched the new directories.
        await gateway.ShAsync("mkdir -p /w/d1/d2 && echo x > /w/d1/d2/f.txt && echo y > /w/d1/g.txt");
        await events.WaitForChangeAsync("/w/d1", "create");
        await events.WaitForChangeAsync("/w/d1/d2", "create");
        await events.WaitForChangeAsync("/w/d1/d2/f.txt", "create");
        await events.WaitForChangeAsync("/w/d1/g.txt", "create");
        await gateway.ShAsync("echo z > /w/d1/d2/later.txt");
        await events.WaitForChangeAsync("/w/d1/d2/later.txt", "create");

        var watcher = (await gateway.GetAsync($"/watchers/{id}")).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("watcher");
        Assert.Equal(id, watcher.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Default_and_requested_excludes_are_not_reported()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        await gateway.ShAsync("mkdir -p /w/node_modules/pkg /w/src");
        var created = (await gateway.PostAsync("/watchers", """{"path":"/w","exclude":["*.tmp","src/generated"]}""")).EnsureStatus(HttpStatusCode.Created).Json;
        var watcher = created.GetProperty("watcher");
        var excludes = watcher.GetProperty("excludes").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("*.tmp", excludes);
        Assert.Contains(".git", excludes);
        Assert.Equal(2, watcher.GetProperty("dir_count").GetInt32()); // /w and /w/src, not node_modules
        await using var events = await WatcherEventStream.OpenAsync(gateway, watcher.GetProperty("id").GetString()!);

        await gateway.ShAsync("echo a > /w/node_modules/pkg/index.js; mkdir -p /w/node_modules/new /w/src/generated /w/.git; " +
                              "echo b > /w/src/x.tmp; echo c > /w/.git/HEAD; echo d > /w/src/generated/out.js; echo e > /w/src/kept.js");
        await events.WaitForChangeAsync("/w/src/kept.js", "create");
        await Task.Delay(300);

        Assert.Equal([("/w/src/kept.js", "create")], events.Changes);
    }

    [Fact]
    public async Task A_hundred_writes_to_one_file_in_a_burst_are_a_few_changes_not_a_hundred()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        await gateway.ShAsync("mkdir -p /w && echo start > /w/hot.txt");
        var id = await CreateAsync(gateway, """{"path":"/w"}""");
        await using var events = await WatcherEventStream.OpenAsync(gateway, id);

        // The exec's round trip bounds the burst's length from above (busybox date has no %N).
        var stopwatch = Stopwatch.StartNew();
        await gateway.ShAsync("i=0; while [ $i -lt 100 ]; do echo $i >> /w/hot.txt; i=$((i+1)); done");
        var burstMs = (int)stopwatch.ElapsedMilliseconds;
        await events.WaitForChangeAsync("/w/hot.txt", "write");
        await Task.Delay(300);

        var changes = events.Changes.Count(c => c.Path == "/w/hot.txt");
        // One change per 50 ms window the burst spans (and one more for a window it straddles).
        Assert.True(changes >= 1 && changes <= burstMs / 50 + 2, $"{changes} changes for 100 writes in at most {burstMs} ms");
        Assert.True(changes <= 10, $"{changes} changes for 100 writes in at most {burstMs} ms");
    }

    [Fact]
    public async Task A_sixth_watcher_is_refused_until_one_is_deleted()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        await gateway.ShAsync("mkdir -p /w");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await CreateAsync(gateway, """{"path":"/w"}"""));

        var sixth = await gateway.PostAsync("/watchers", """{"path":"/w"}""");
        var list = (await gateway.GetAsync("/watchers")).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("watchers");

        ApiAssert.Error(sixth, HttpStatusCode.Conflict, "too_many_watchers");
        Assert.Equal(ids.Order(), list.EnumerateArray().Select(w => w.GetProperty("id").GetString()!).Order());
        var deleted = (await gateway.DeleteAsync($"/watchers/{ids[0]}")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal(ids[0], deleted.GetProperty("watcher_id").GetString());
        await CreateAsync(gateway, """{"path":"/w"}""");
    }

    [Fact]
    public async Task A_deleted_watcher_reports_nothing_more_while_another_on_the_same_tree_does()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        await gateway.ShAsync("mkdir -p /w");
        var deleted = await CreateAsync(gateway, """{"path":"/w"}""");
        var kept = await CreateAsync(gateway, """{"path":"/w"}""");
        await using var deletedEvents = await WatcherEventStream.OpenAsync(gateway, deleted);
        await using var keptEvents = await WatcherEventStream.OpenAsync(gateway, kept);
        // The contrast: before its delete, the first watcher does report.
        await gateway.ShAsync("echo x > /w/before-delete.txt");
        await deletedEvents.WaitForChangeAsync("/w/before-delete.txt", "create");

        (await gateway.DeleteAsync($"/watchers/{deleted}")).EnsureStatus(HttpStatusCode.OK);
        await deletedEvents.Ended.WaitAsync(TimeSpan.FromSeconds(5));
        await gateway.ShAsync("echo x > /w/after-delete.txt");
        await keptEvents.WaitForChangeAsync("/w/after-delete.txt", "create");

        Assert.DoesNotContain(deletedEvents.Changes, c => c.Path == "/w/after-delete.txt");
        ApiAssert.Error(await gateway.GetAsync($"/watchers/{deleted}"), HttpStatusCode.NotFound, "not_found");
        ApiAssert.Error(await gateway.DeleteAsync($"/watchers/{deleted}"), HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("/proc", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("/.hearth", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("/.hearth-run", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("/sys/fs", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("/w/bundle-link", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("/w/../../dev", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("/no/such/dir", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/w/file.txt", HttpStatusCode.BadRequest, "bad_request")]
    public async Task A_root_that_is_reserved_missing_or_a_file_is_refused(string path, HttpStatusCode status, string code)
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        await gateway.ShAsync("mkdir -p /w && echo x > /w/file.txt && ln -s /.hearth /w/bundle-link");

        var response = await gateway.PostAsync("/watchers", JsonSerializer.Serialize(new { path }));

        ApiAssert.Error(response, status, code);
        Assert.Empty((await gateway.GetAsync("/watchers")).Json.GetProperty("watchers").EnumerateArray());
    }

    [Theory]
    [InlineData("{}", "path")]
    [InlineData("""{"path":""}""", "path")]
    [InlineData("""{"path":"/w","excludes":"node_modules,dist"}""", null)]
    [InlineData("""{"path":"/w","excludes":[1,2]}""", "excludes")]
    [InlineData("""{"path":7}""", "path")]
    public async Task The_body_is_validated_field_by_field(string body, string? badField)
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        await gateway.ShAsync("mkdir -p /w");

        var response = await gateway.PostAsync("/watchers", body);

        if (badField is null)
        {
            response.EnsureStatus(HttpStatusCode.Created);
            return;
        }
        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(response, badField);
    }

    [Fact]
    public async Task A_watcher_ends_with_its_workspace_and_is_gone_after_a_restart()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        await gateway.ShAsync("mkdir -p /w");
        var id = await CreateAsync(gateway, """{"path":"/w"}""");
        await using var events = await WatcherEventStream.OpenAsync(gateway, id);

        (await fixture.Hearthd.PostAsync($"/workspace/{gateway.WorkspaceId}/stop").Within(Bounded.Create)).EnsureStatus(HttpStatusCode.OK);
        await events.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        (await fixture.Hearthd.PostAsync($"/workspace/{gateway.WorkspaceId}/start").Within(Bounded.Create)).EnsureStatus(HttpStatusCode.OK);

        Assert.Contains(events.Received, e => e.Event == "end");
        var list = (await gateway.GetAsync("/watchers")).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("watchers");
        Assert.Empty(list.EnumerateArray());
        ApiAssert.Error(await gateway.GetAsync($"/watchers/{id}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_official_sdk_manages_watchers_and_searches_through_the_preload()
    {
        await OfficialSdk.RunAsync(fixture.Hearthd, "runtime-watch-search.mjs", "compat: all runtime watcher and search calls passed");
    }

    private static async Task<string> CreateAsync(RuntimeGatewayClient gateway, string body)
    {
        var stopwatch = Stopwatch.StartNew();
        var created = (await gateway.PostAsync("/watchers", body)).EnsureStatus(HttpStatusCode.Created).Json;
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"POST /watchers took {stopwatch.Elapsed}");
        return created.GetProperty("watcher").GetProperty("id").GetString()!;
    }
}
