using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>Stop keeps the disk and releases everything else; start and restart bring the same files back.</summary>
public sealed class StopStartTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Stop_then_start_keeps_a_written_file_and_stop_leaves_nothing_mounted()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var write = await Hearthd.ShAsync(id, "echo kept-across-stop > /root/keep.txt && sync").Within();
        Assert.True(write.ExitCode == 0, write.ToString());

        var stopped = await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create);
        ApiAssert.Status(stopped, HttpStatusCode.OK);
        Assert.Equal("stopped", ApiAssert.WorkspaceStatus(stopped));
        Assert.Equal("stopped", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within()));
        await AssertNothingRunsOrIsMountedAsync(id);
        Assert.True(File.Exists(HostProbe.DiskFile(Hearthd, id)), "stop must keep the disk");

        var started = await Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create);
        ApiAssert.Status(started, HttpStatusCode.OK);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(started));
        var read = await Hearthd.ExecAsync(id, "cat", "/root/keep.txt").Within();
        Assert.True("kept-across-stop" == read.Stdout.Trim(), read.ToString());
    }

    [Fact]
    public async Task Restart_keeps_a_written_file_and_runs_a_new_init()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var write = await Hearthd.ShAsync(id, "echo kept-across-restart > /root/keep.txt && sync").Within();
        Assert.True(write.ExitCode == 0, write.ToString());
        var pidBefore = await HostProbe.InitPidAsync(Hearthd, id);

        var restarted = await Hearthd.PostAsync($"/workspace/{id}/restart").Within(Bounded.Create);

        ApiAssert.Status(restarted, HttpStatusCode.OK);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(restarted));
        Assert.NotEqual(pidBefore, await HostProbe.InitPidAsync(Hearthd, id));
        var read = await Hearthd.ExecAsync(id, "cat", "/root/keep.txt").Within();
        Assert.Equal("kept-across-restart", read.Stdout.Trim());
    }

    [Fact]
    public async Task Stop_of_a_paused_workspace_stops_it_and_start_brings_it_back()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var write = await Hearthd.ShAsync(id, "echo kept-while-paused > /root/keep.txt && sync").Within();
        Assert.True(write.ExitCode == 0, write.ToString());
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/pause").Within(), HttpStatusCode.OK);

        var stopped = await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create);

        ApiAssert.Status(stopped, HttpStatusCode.OK);
        Assert.Equal("stopped", ApiAssert.WorkspaceStatus(stopped));
        await AssertNothingRunsOrIsMountedAsync(id);
        var started = await Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(started));
        Assert.Equal("THAWED", HostProbe.ReadCgroup("freezer", id, "freezer.state"));
        Assert.Equal("kept-while-paused", (await Hearthd.ExecAsync(id, "cat", "/root/keep.txt").Within()).Stdout.Trim());
    }

    [Fact]
    public async Task Restart_of_a_paused_workspace_runs_it_again()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/pause").Within(), HttpStatusCode.OK);

        var restarted = await Hearthd.PostAsync($"/workspace/{id}/restart").Within(Bounded.Create);

        ApiAssert.Status(restarted, HttpStatusCode.OK);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(restarted));
        Assert.Equal("THAWED", HostProbe.ReadCgroup("freezer", id, "freezer.state"));
        Assert.Equal("up", (await Hearthd.ExecAsync(id, "echo", "up").Within()).Stdout.Trim());
    }

    [Fact]
    public async Task Start_of_a_running_and_stop_of_a_stopped_workspace_are_200_no_ops()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var pid = await HostProbe.InitPidAsync(Hearthd, id);

        var start = await Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create);
        ApiAssert.Status(start, HttpStatusCode.OK);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(start));
        Assert.Equal(pid, await HostProbe.InitPidAsync(Hearthd, id));

        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create), HttpStatusCode.OK);
        var again = await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create);
        ApiAssert.Status(again, HttpStatusCode.OK);
        Assert.Equal("stopped", ApiAssert.WorkspaceStatus(again));
    }

    [Fact]
    public async Task Stop_sends_SIGTERM_to_the_main_process_before_killing_it()
    {
        var id = await Hearthd.CreateWorkspaceAsync(
            """{"image":"busybox","config":{"cmd":["/bin/sh","-c","trap 'echo got-term > /root/term.txt; sync; exit 0' TERM; while true; do sleep 0.1; done"]}}""")
            .Within(Bounded.Create);
        await Task.Delay(300); // let the shell install its trap

        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create), HttpStatusCode.OK);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create), HttpStatusCode.OK);

        var term = await Hearthd.ExecAsync(id, "cat", "/root/term.txt").Within();
        Assert.True(term.ExitCode == 0, $"the main process never saw SIGTERM: {term}");
        Assert.Equal("got-term", term.Stdout.Trim());
    }

    [Fact]
    public async Task A_workspace_whose_main_process_exits_is_recorded_stopped_and_releases_its_mounts()
    {
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","config":{"cmd":["/bin/sh","-c","sleep 1; exit 3"]}}""").Within(Bounded.Create);

        var status = await PollStatusAsync(id, s => s == "stopped", TimeSpan.FromSeconds(15));

        Assert.Equal("stopped", status);
        var info = (await Hearthd.GetAsync("/workspace/" + id).Within()).Workspace.GetProperty("info");
        Assert.False(info.GetProperty("is_running").GetBoolean());
        Assert.False(info.GetProperty("user_requested_stop").GetBoolean());
        Assert.Contains("exited", info.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await AssertNothingRunsOrIsMountedAsync(id);
        // It can be started again (and will stop again when its command ends).
        var started = await Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create);
        ApiAssert.Status(started, HttpStatusCode.OK);
    }

    private async Task<string> PollStatusAsync(string id, Func<string, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string status;
        do
        {
            status = ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within());
            if (done(status)) return status;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        return status;
    }

    private async Task AssertNothingRunsOrIsMountedAsync(string id)
    {
        Assert.Empty(HostTraces.MountsUnder(HostProbe.WorkspaceDir(Hearthd, id)));
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(id, StringComparison.Ordinal));
        var crun = await Command.RunAsync("crun", ["--root", Hearthd.CrunRoot, "list", "-q"]).Within();
        Assert.DoesNotContain(id, crun.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(HostTraces.LoopBackingFiles(), f => f.Contains(id, StringComparison.Ordinal));
        Assert.Empty(HostTraces.CgroupDirsOf(id));
    }
}
