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

    [Fact]
    public async Task Pause_returns_only_once_every_process_is_frozen_even_in_a_busy_workspace()
    {
        // Constant forks and a CPU-bound loop: the freezer needs a moment (FREEZING) before it is FROZEN.
        var id = await Hearthd.CreateWorkspaceAsync(
            """{"image":"busybox","config":{"cpus":2,"cmd":["/bin/sh","-c","(while true; do :; done) & while true; do /bin/true; done"]}}""")
            .Within(Bounded.Create);
        await Task.Delay(300);

        var states = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/pause").Within(), HttpStatusCode.OK);
            states.Add(HostProbe.ReadCgroup("freezer", id, "freezer.state"));
            ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/resume").Within(), HttpStatusCode.OK);
        }

        Assert.All(states, s => Assert.Equal("FROZEN", s));
    }
}
