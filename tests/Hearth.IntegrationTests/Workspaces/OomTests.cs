using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>A memory hog is killed inside the workspace's limit, and the workspace reports it.</summary>
public sealed class OomTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task A_memory_hog_is_oom_killed_and_the_workspace_counts_it_and_keeps_running()
    {
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","config":{"memory_mb":128}}""").Within(Bounded.Create);
        var initPid = await HostProbe.InitPidAsync(Hearthd, id);
        var before = await Hearthd.GetAsync("/workspace/" + id).Within();
        Assert.Equal(0, before.Workspace.GetProperty("info").GetProperty("oom_kills").GetInt64());

        // 300 MB into a shell variable: well past the 128 MB limit.
        var hog = await Hearthd.ShAsync(id, """x=$(head -c 300000000 /dev/zero | tr "\0" a); echo survived ${#x}""").Within(TimeSpan.FromMinutes(2));

        Assert.True(hog.ExitCode == 137 || hog.Stderr.Contains("Killed", StringComparison.Ordinal) || hog.Stdout.Contains("Killed", StringComparison.Ordinal),
            $"the hog was not OOM-killed: {hog}");
        Assert.DoesNotContain("survived 300000000", hog.Stdout, StringComparison.Ordinal);

        var after = await Hearthd.GetAsync("/workspace/" + id).Within();
        ApiAssert.Status(after, HttpStatusCode.OK);
        Assert.True(after.Workspace.GetProperty("info").GetProperty("oom_kills").GetInt64() >= 1, after.Body);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(after));
        Assert.Equal(initPid, await HostProbe.InitPidAsync(Hearthd, id)); // the workspace itself was not restarted
        var echo = await Hearthd.ShAsync(id, "echo alive").Within();
        Assert.Equal("alive", echo.Stdout.Trim());
    }

    [Fact]
    public async Task A_main_process_killed_by_the_oom_killer_stops_the_workspace_and_the_reason_says_so()
    {
        var id = await Hearthd.CreateWorkspaceAsync(
            """{"image":"busybox","config":{"memory_mb":128,"cmd":["/bin/sh","-c","sleep 1; x=$(head -c 300000000 /dev/zero | tr '\\0' a); sleep 100000"]}}""")
            .Within(Bounded.Create);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        ApiResponse get;
        do
        {
            await Task.Delay(200);
            get = await Hearthd.GetAsync("/workspace/" + id).Within();
        }
        while (ApiAssert.WorkspaceStatus(get) != "stopped" && DateTime.UtcNow < deadline);

        Assert.Equal("stopped", ApiAssert.WorkspaceStatus(get));
        var reason = get.Workspace.GetProperty("info").GetProperty("reason").GetString();
        Assert.Contains("OOM", reason, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(HostTraces.MountsUnder(HostProbe.WorkspaceDir(Hearthd, id)));
    }
}
