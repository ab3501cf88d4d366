using System.Diagnostics;
using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>hearthd with <c>--stop-grace-seconds 5</c>.</summary>
public sealed class StopGrace5Fixture : HearthdFixture
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    protected override string[] Flags => ["--stop-grace-seconds", "5"];
}

/// <summary>Stop is SIGTERM, then SIGKILL once the grace period is over: a cooperative workspace stops at once.</summary>
public sealed class StopGraceTests(StopGrace5Fixture fixture) : IClassFixture<StopGrace5Fixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task A_workspace_that_exits_on_SIGTERM_stops_well_within_the_grace_period()
    {
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","config":{"cmd":["/bin/sleep","100000"]}}""").Within(Bounded.Create);

        var clock = Stopwatch.StartNew();
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create), HttpStatusCode.OK);

        Assert.True(clock.Elapsed < StopGrace5Fixture.Grace / 2, $"stop took {clock.ElapsedMilliseconds} ms: init did not exit on SIGTERM");
    }

    [Fact]
    public async Task A_workspace_that_ignores_SIGTERM_is_killed_when_the_grace_period_ends()
    {
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","config":{"cmd":["/bin/sh","-c","trap '' TERM; sleep 100000"]}}""").Within(Bounded.Create);
        await Task.Delay(300); // let the shell ignore TERM before the stop

        var clock = Stopwatch.StartNew();
        var stop = await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create);

        ApiAssert.Status(stop, HttpStatusCode.OK);
        Assert.Equal("stopped", ApiAssert.WorkspaceStatus(stop));
        Assert.InRange(clock.Elapsed, StopGrace5Fixture.Grace - TimeSpan.FromMilliseconds(500), StopGrace5Fixture.Grace + TimeSpan.FromSeconds(10));
        var crun = await Command.RunAsync("crun", ["--root", Hearthd.CrunRoot, "list", "-q"]).Within();
        Assert.DoesNotContain(id, crun.Stdout, StringComparison.Ordinal);
    }
}
