using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.IntegrationTests.Workspaces;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Hosting;

/// <summary>Workspaces outlive a SIGKILLed hearthd, and the next hearthd takes them over as they are.</summary>
public sealed class CrashSafetyTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task A_running_workspace_survives_a_killed_daemon_and_is_adopted_by_the_next_one()
    {
        var id = await Hearthd.CreateWorkspaceAsync(CounterWorkspace.CreateJson).Within(Bounded.Create);
        var counting = await CounterWorkspace.PassesAsync(Hearthd, id, 0, TimeSpan.FromSeconds(10));
        var initPid = await HostProbe.InitPidAsync(Hearthd, id);
        var daemonPid = Hearthd.Pid;

        await Hearthd.KillAsync().Within();

        Assert.False(Directory.Exists($"/proc/{daemonPid}"), "hearthd is still alive after SIGKILL");
        Assert.True(Directory.Exists($"/proc/{initPid}"), $"the init ({initPid}) of {id} died with hearthd");
        var whileDown = await CounterWorkspace.PassesAsync(Hearthd, id, counting, TimeSpan.FromSeconds(5)); // still counting

        await Hearthd.LaunchAsync().Within(Bounded.Daemon);

        var get = await Hearthd.GetAsync("/workspace/" + id).Within();
        ApiAssert.Status(get, HttpStatusCode.OK);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(get));
        Assert.Equal(initPid, await HostProbe.InitPidAsync(Hearthd, id)); // adopted, not restarted
        await CounterWorkspace.PassesAsync(Hearthd, id, whileDown, TimeSpan.FromSeconds(5));

        var stopped = await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create);
        ApiAssert.Status(stopped, HttpStatusCode.OK);
        Assert.Equal("stopped", ApiAssert.WorkspaceStatus(stopped));
        // The killed init is reaped by the host's PID 1, a moment after crun returns.
        await HostProbe.EventuallyAsync(() => Directory.Exists($"/proc/{initPid}"), alive => !alive, TimeSpan.FromSeconds(5), "the adopted init ended by stop");
        ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create), HttpStatusCode.OK);
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
    }

    [Fact]
    public async Task A_stopped_workspace_stays_stopped_across_a_killed_daemon_and_starts_later()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        Assert.Equal(0, (await Hearthd.ShAsync(id, "echo survives > /root/f && sync").Within()).ExitCode);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create), HttpStatusCode.OK);

        await Hearthd.KillAsync().Within();
        await Hearthd.LaunchAsync().Within(Bounded.Daemon);

        Assert.Equal("stopped", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within()));
        Assert.Empty(HostTraces.MountsUnder(HostProbe.WorkspaceDir(Hearthd, id)));
        var started = await Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(started));
        Assert.Equal("survives", (await Hearthd.ExecAsync(id, "cat", "/root/f").Within()).Stdout.Trim());
        ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create), HttpStatusCode.OK);
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
    }

    [Fact]
    public async Task A_paused_workspace_is_still_paused_after_a_killed_daemon_and_resumes()
    {
        var id = await Hearthd.CreateWorkspaceAsync(CounterWorkspace.CreateJson).Within(Bounded.Create);
        await CounterWorkspace.PassesAsync(Hearthd, id, 0, TimeSpan.FromSeconds(10));
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/pause").Within(), HttpStatusCode.OK);
        var frozenAt = await CounterWorkspace.ReadStableAsync(Hearthd, id);

        await Hearthd.KillAsync().Within();
        await Hearthd.LaunchAsync().Within(Bounded.Daemon);

        Assert.Equal("paused", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within()));
        Assert.Equal("FROZEN", HostProbe.ReadCgroup("freezer", id, "freezer.state"));
        Assert.Equal(frozenAt, await CounterWorkspace.ReadStableAsync(Hearthd, id));
        var resumed = await Hearthd.PostAsync($"/workspace/{id}/resume").Within();
        Assert.Equal("running", ApiAssert.WorkspaceStatus(resumed));
        await CounterWorkspace.PassesAsync(Hearthd, id, frozenAt, TimeSpan.FromSeconds(5));
        ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create), HttpStatusCode.OK);
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
    }

    [Fact]
    public async Task A_workspace_that_died_while_the_daemon_was_down_runs_again_after_the_next_start()
    {
        var id = await Hearthd.CreateWorkspaceAsync(CounterWorkspace.CreateJson).Within(Bounded.Create);
        Assert.Equal(0, (await Hearthd.ShAsync(id, "echo still-here > /root/f && sync").Within()).ExitCode);
        var oldPid = await HostProbe.InitPidAsync(Hearthd, id);

        await Hearthd.KillAsync().Within();
        var kill = await Command.RunAsync("crun", ["--root", Hearthd.CrunRoot, "kill", id, "KILL"]).Within();
        Assert.True(kill.ExitCode == 0, kill.ToString());
        await HostProbe.EventuallyAsync(() => Directory.Exists($"/proc/{oldPid}"), alive => !alive, TimeSpan.FromSeconds(5), "the init killed behind hearthd's back");
        await Hearthd.LaunchAsync().Within(Bounded.Daemon);

        var get = await Hearthd.GetAsync("/workspace/" + id).Within();
        Assert.Equal("running", ApiAssert.WorkspaceStatus(get));
        var newPid = await HostProbe.InitPidAsync(Hearthd, id);
        Assert.NotEqual(oldPid, newPid);
        Assert.Equal("still-here", (await Hearthd.ExecAsync(id, "cat", "/root/f").Within()).Stdout.Trim());
        await CounterWorkspace.PassesAsync(Hearthd, id, 0, TimeSpan.FromSeconds(10));
        ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create), HttpStatusCode.OK);
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
    }
}
