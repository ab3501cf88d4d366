using System.Text.Json;
using Hearth.Agent.Tests.Infrastructure;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Tests.Server;

/// <summary>The agent's <c>watch</c> operation in a real container: inotify on the workspace's own tree.</summary>
public sealed class WatchOperationTests(IdleAgentFixture fixture) : IClassFixture<IdleAgentFixture>
{
    [Fact]
    public async Task Watch_reports_ready_then_each_change_with_its_path_and_op()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await RunAsync(client, "rm -rf /tmp/w1 && mkdir -p /tmp/w1/sub");
        var watch = await client.StartOperationAsync("watch", Args(new WatchArgs { Path = "/tmp/w1", Excludes = WatchDefaults.Excludes }));

        var ready = Event(await watch.WaitForEventAsync(_ => true));
        Assert.Equal(("ready", "/tmp/w1", 2), (ready.Type, ready.Root, ready.Dirs));

        await RunAsync(client, "echo one > /tmp/w1/sub/a.txt");
        await WaitForChangeAsync(watch, "/tmp/w1/sub/a.txt", "create");
        await RunAsync(client, "echo two >> /tmp/w1/sub/a.txt");
        await WaitForChangeAsync(watch, "/tmp/w1/sub/a.txt", "write");
        await RunAsync(client, "mv /tmp/w1/sub/a.txt /tmp/w1/b.txt");
        await WaitForChangeAsync(watch, "/tmp/w1/sub/a.txt", "rename");
        await WaitForChangeAsync(watch, "/tmp/w1/b.txt", "rename");
        await RunAsync(client, "rm /tmp/w1/b.txt");
        await WaitForChangeAsync(watch, "/tmp/w1/b.txt", "remove");

        await client.SendControlAsync(watch.Stream, new AgentMessage { Op = "cancel" });
        var end = await watch.WaitForEndAsync();
        Assert.Equal(("error", "cancelled"), (end.Op, end.Error));
        Assert.Empty(client.Violations);
    }

    [Fact]
    public async Task A_new_directory_is_watched_and_what_it_already_holds_is_reported()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await RunAsync(client, "rm -rf /tmp/w2 && mkdir -p /tmp/w2");
        var watch = await client.StartOperationAsync("watch", Args(new WatchArgs { Path = "/tmp/w2", Excludes = WatchDefaults.Excludes }));
        await watch.WaitForEventAsync(_ => true);

        // One command: the files may well exist before the agent has added the new watches.
        await RunAsync(client, "mkdir -p /tmp/w2/d1/d2 && echo x > /tmp/w2/d1/d2/f.txt && echo y > /tmp/w2/d1/g.txt");
        await WaitForChangeAsync(watch, "/tmp/w2/d1", "create");
        await WaitForChangeAsync(watch, "/tmp/w2/d1/d2/f.txt", "create");
        await WaitForChangeAsync(watch, "/tmp/w2/d1/g.txt", "create");
        await RunAsync(client, "echo z > /tmp/w2/d1/d2/later.txt");
        await WaitForChangeAsync(watch, "/tmp/w2/d1/d2/later.txt", "create");
    }

    [Fact]
    public async Task Excluded_names_are_neither_watched_nor_reported()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await RunAsync(client, "rm -rf /tmp/w3 && mkdir -p /tmp/w3/node_modules/pkg /tmp/w3/src");
        var watch = await client.StartOperationAsync("watch", Args(new WatchArgs { Path = "/tmp/w3", Excludes = [.. WatchDefaults.Excludes, "*.tmp"] }));
        var ready = Event(await watch.WaitForEventAsync(_ => true));
        Assert.Equal(2, ready.Dirs); // /tmp/w3 and src

        await RunAsync(client, "echo a > /tmp/w3/node_modules/pkg/i.js; echo b > /tmp/w3/src/x.tmp; mkdir /tmp/w3/dist; echo c > /tmp/w3/src/kept.js");
        await WaitForChangeAsync(watch, "/tmp/w3/src/kept.js", "create");
        await Task.Delay(200);

        var paths = watch.EventsSoFar().Select(Event).Where(e => e.Type == "change").Select(e => e.Path!).ToList();
        Assert.Equal(["/tmp/w3/src/kept.js"], paths);
    }

    [Fact]
    public async Task Many_writes_to_one_file_within_the_window_are_one_change()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await RunAsync(client, "rm -rf /tmp/w4 && mkdir -p /tmp/w4 && echo 0 > /tmp/w4/hot.txt");
        var watch = await client.StartOperationAsync("watch", Args(new WatchArgs { Path = "/tmp/w4" }));
        await watch.WaitForEventAsync(_ => true);

        var started = DateTime.UtcNow;
        await RunAsync(client, "i=0; while [ $i -lt 100 ]; do echo $i >> /tmp/w4/hot.txt; i=$((i+1)); done");
        var took = DateTime.UtcNow - started;
        await WaitForChangeAsync(watch, "/tmp/w4/hot.txt", "write");
        await Task.Delay(300);

        var changes = watch.EventsSoFar().Select(Event).Count(e => e.Type == "change");
        Assert.True(changes >= 1 && changes <= 1 + (int)(took.TotalMilliseconds / 50) + 1, $"{changes} changes for 100 writes in {took.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Past_the_directory_cap_the_watch_reports_an_overflow_once()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await RunAsync(client, "rm -rf /tmp/w7 && mkdir -p /tmp/w7/a /tmp/w7/b /tmp/w7/c /tmp/w7/d");
        var watch = await client.StartOperationAsync("watch", Args(new WatchArgs { Path = "/tmp/w7", MaxDirectories = 3 }));

        var ready = Event(await watch.WaitForEventAsync(_ => true));
        var overflow = Event(await watch.WaitForEventAsync(m => Event(m).Type == "overflow"));
        await RunAsync(client, "mkdir /tmp/w7/e && echo x > /tmp/w7/top.txt");
        await WaitForChangeAsync(watch, "/tmp/w7/top.txt", "create");

        Assert.Equal(3, ready.Dirs);
        Assert.Contains("only 3 directories are watched", overflow.Message);
        Assert.Single(watch.EventsSoFar(), m => Event(m).Type == "overflow");
    }

    [Theory]
    [InlineData("/proc", "forbidden")]
    [InlineData("/.hearth", "forbidden")]
    [InlineData("/.hearth-run", "forbidden")]
    [InlineData("/tmp/../../sys", "forbidden")]
    [InlineData("/no/such/dir", "not_found")]
    [InlineData("/bin/busybox", "bad_request")]
    public async Task A_root_that_is_reserved_missing_or_not_a_directory_is_refused(string path, string error)
    {
        await using var client = await fixture.Container.ConnectAsync();

        var end = await (await client.StartOperationAsync("watch", Args(new WatchArgs { Path = path }))).WaitForEndAsync();

        Assert.Equal(("error", error), (end.Op, end.Error));
    }

    [Fact]
    public async Task A_symlink_to_the_bundle_is_resolved_inside_the_workspace_and_refused()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await RunAsync(client, "rm -rf /tmp/w5 && mkdir -p /tmp/w5 && ln -s /.hearth /tmp/w5/bundle && ln -s ../../.hearth/bin /tmp/w5/relative");

        var absolute = await (await client.StartOperationAsync("watch", Args(new WatchArgs { Path = "/tmp/w5/bundle" }))).WaitForEndAsync();
        var relative = await (await client.StartOperationAsync("watch", Args(new WatchArgs { Path = "/tmp/w5/relative" }))).WaitForEndAsync();

        Assert.Equal(("error", "forbidden"), (absolute.Op, absolute.Error));
        Assert.Equal(("error", "forbidden"), (relative.Op, relative.Error));
    }

    [Fact]
    public async Task Removing_the_root_ends_the_watch()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await RunAsync(client, "rm -rf /tmp/w6 && mkdir -p /tmp/w6");
        var watch = await client.StartOperationAsync("watch", Args(new WatchArgs { Path = "/tmp/w6" }));
        await watch.WaitForEventAsync(_ => true);

        await RunAsync(client, "rmdir /tmp/w6");
        var end = await watch.WaitForEndAsync();

        Assert.Equal(("error", "not_found"), (end.Op, end.Error));
    }

    private static JsonElement Args(WatchArgs args) => JsonSerializer.SerializeToElement(args, AgentWatchSearchJsonContext.Default.WatchArgs);

    private static WatchEvent Event(AgentMessage message) =>
        message.Result!.Value.Deserialize(AgentWatchSearchJsonContext.Default.WatchEvent)!;

    private static Task<AgentMessage> WaitForChangeAsync(RemoteProcess watch, string path, string op) =>
        watch.WaitForEventAsync(m => Event(m) is { Type: "change" } e && e.Path == path && e.Op == op, TimeSpan.FromSeconds(2));

    private static async Task RunAsync(AgentClient client, string script)
    {
        var process = await client.SpawnAsync(["sh", "-c", script]);
        var exit = await process.WaitForEndAsync();
        Assert.True(exit.ExitCode == 0, $"`{script}`: {exit.Op} {exit.ExitCode} {process.StderrText}");
    }
}
