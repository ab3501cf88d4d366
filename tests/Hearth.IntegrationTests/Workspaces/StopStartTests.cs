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
        Assert.Equal("kept-across-stop", read.Stdout.Trim());
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
