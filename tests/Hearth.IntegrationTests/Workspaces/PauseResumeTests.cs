using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>Pause freezes every process of a workspace (cgroup freezer); resume thaws them.</summary>
public sealed class PauseResumeTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Pause_stops_a_counter_and_resume_continues_it()
    {
        var id = await Hearthd.CreateWorkspaceAsync(CounterWorkspace.CreateJson).Within(Bounded.Create);
        var running = await CounterWorkspace.PassesAsync(Hearthd, id, 0, TimeSpan.FromSeconds(10));
        await CounterWorkspace.PassesAsync(Hearthd, id, running, TimeSpan.FromSeconds(5));

        var paused = await Hearthd.PostAsync($"/workspace/{id}/pause").Within();
        ApiAssert.Status(paused, HttpStatusCode.OK);
        Assert.Equal("paused", ApiAssert.WorkspaceStatus(paused));
        Assert.Equal("FROZEN", HostProbe.ReadCgroup("freezer", id, "freezer.state"));

        var frozenAt = await CounterWorkspace.ReadStableAsync(Hearthd, id);
        await Task.Delay(500);
        Assert.Equal(frozenAt, await CounterWorkspace.ReadStableAsync(Hearthd, id));
        var get = await Hearthd.GetAsync("/workspace/" + id).Within();
        Assert.Equal("paused", ApiAssert.WorkspaceStatus(get));
        Assert.Equal("paused", get.Workspace.GetProperty("info").GetProperty("status").GetString());

        var resumed = await Hearthd.PostAsync($"/workspace/{id}/resume").Within();
        ApiAssert.Status(resumed, HttpStatusCode.OK);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(resumed));
        Assert.Equal("THAWED", HostProbe.ReadCgroup("freezer", id, "freezer.state"));
        await CounterWorkspace.PassesAsync(Hearthd, id, frozenAt, TimeSpan.FromSeconds(5));
    }
}
