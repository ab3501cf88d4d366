using System.Net;
using System.Text.RegularExpressions;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>
/// hearthd with <c>--crun-path</c> pointing at a wrapper of the real crun that fails <c>crun create</c>
/// on demand: <c>before</c> fails without creating anything, <c>after</c> creates the container for
/// real and then reports failure, so hearthd must also tear down a container that exists;
/// <c>start</c> fails <c>crun start</c>, after hearthd gave the created container its network.
/// Every call is logged (<c>calls.log</c>), so the test knows each workspace id hearthd handed crun.
/// </summary>
public sealed class FailingCrunFixture : HearthdFixture
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "hearth-fake-crun-" + Guid.NewGuid().ToString("N")[..10]);

    public string Script => Path.Combine(Dir, "crun");

    public string CallsLog => Path.Combine(Dir, "calls.log");

    public string HangPidFile => Path.Combine(Dir, "hang.pid");

    protected override string[] Flags => ["--crun-path", Script];

    /// <summary>
    /// <c>before</c>, <c>after</c>, <c>start</c>, <c>hang</c> (crun create never returns; pid in <see cref="HangPidFile"/>),
    /// <c>hang-delete</c> (the same for crun delete) or <c>pass</c>.
    /// </summary>
    public void SetMode(string mode) => File.WriteAllText(Path.Combine(Dir, "mode"), mode + "\n");

    protected override Task PrepareAsync()
    {
        var realCrun = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Concat(["/usr/bin", "/usr/sbin", "/bin"]).Select(d => Path.Combine(d, "crun")).First(File.Exists);
        Directory.CreateDirectory(Dir);
        SetMode("before");
        File.WriteAllText(Script, $$"""
            #!/bin/sh
            # A crun that fails `crun create` or `crun start` as $dir/mode says; everything else goes to the real crun.
            dir=$(dirname "$0")
            echo "$*" >> "$dir/calls.log"
            mode=$(cat "$dir/mode")
            for arg in "$@"; do
              case "$arg:$mode" in
                create:before) echo "fake crun: refusing to create" >&2; exit 1 ;;
                create:after) {{realCrun}} "$@"; echo "fake crun: failing after a successful create" >&2; exit 1 ;;
                start:start) echo "fake crun: refusing to start" >&2; exit 1 ;;
                create:hang | delete:hang-delete) echo $$ > "$dir/hang.pid"; exec sleep 60 ;;
              esac
            done
            exec {{realCrun}} "$@"

            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(Script, (UnixFileMode)Convert.ToInt32("755", 8));
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A create that fails at the container step leaves no row, folder, disk, mount, loop device or cgroup.</summary>
public sealed class CreateFailureTests(FailingCrunFixture fixture) : IClassFixture<FailingCrunFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task A_create_whose_crun_create_fails_leaves_nothing_behind()
    {
        fixture.SetMode("before");
        await AssertFailedCreateLeavesNothingAsync();
    }

    [Fact]
    public async Task A_create_whose_container_started_but_crun_reported_failure_leaves_nothing_behind()
    {
        fixture.SetMode("after");
        await AssertFailedCreateLeavesNothingAsync();
    }

    [Fact]
    public async Task A_create_whose_start_fails_after_the_network_was_attached_leaves_nothing_behind()
    {
        fixture.SetMode("start");
        await AssertFailedCreateLeavesNothingAsync();
    }

    [Fact]
    public async Task The_wrapper_passes_through_when_told_to_so_the_failures_above_are_the_run_step()
    {
        fixture.SetMode("pass");
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var echo = await Hearthd.ExecAsync(id, "echo", "up").Within();
        Assert.Equal("up", echo.Stdout.Trim());
        ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create), HttpStatusCode.OK);
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
    }

    [Fact]
    public async Task A_create_cut_short_by_a_killed_daemon_is_undone_at_the_next_start()
    {
        fixture.SetMode("hang");
        File.Delete(fixture.HangPidFile);
        var idsBefore = HandedToCrun();
        var totalBefore = (await Hearthd.GetAsync("/workspace").Within()).Json.GetProperty("total").GetInt32();
        var foldersBefore = HostProbe.WorkspaceFolders(Hearthd);
        var disks = Path.Combine(Hearthd.DataDir, "disks");
        var disksBefore = Directory.EnumerateFileSystemEntries(disks).Order().ToList();
        var mountsBefore = HostTraces.MountsUnder(Hearthd.DataDir);

        var create = Hearthd.PostAsync("/workspace", """{"image":"busybox"}""");
        var hangPid = await HostProbe.EventuallyAsync(() => File.Exists(fixture.HangPidFile) ? File.ReadAllText(fixture.HangPidFile).Trim() : "",
            p => p.Length > 0, TimeSpan.FromSeconds(30), "crun create reached");
        var id = Assert.Single(HandedToCrun().Except(idsBefore));
        Assert.NotEmpty(HostTraces.MountsUnder(HostProbe.WorkspaceDir(Hearthd, id))); // caught between mount and crun create

        await Hearthd.KillAsync().Within();
        await Assert.ThrowsAnyAsync<Exception>(() => create.Within());
        await Command.RunAsync("kill", ["-KILL", hangPid]).Within();
        fixture.SetMode("pass");
        await Hearthd.LaunchAsync().Within(Bounded.Daemon);

        Assert.Equal(totalBefore, (await Hearthd.GetAsync("/workspace").Within()).Json.GetProperty("total").GetInt32());
        ApiAssert.Error(await Hearthd.GetAsync("/workspace/" + id).Within(), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(foldersBefore, HostProbe.WorkspaceFolders(Hearthd));
        Assert.Equal(disksBefore, Directory.EnumerateFileSystemEntries(disks).Order().ToList());
        Assert.Equal(mountsBefore, HostTraces.MountsUnder(Hearthd.DataDir));
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
    }

    [Fact]
    public async Task A_delete_cut_short_by_a_killed_daemon_is_finished_at_the_next_start()
    {
        fixture.SetMode("pass");
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        File.Delete(fixture.HangPidFile);
        fixture.SetMode("hang-delete");

        var delete = Hearthd.DeleteAsync("/workspace/" + id);
        var hangPid = await HostProbe.EventuallyAsync(() => File.Exists(fixture.HangPidFile) ? File.ReadAllText(fixture.HangPidFile).Trim() : "",
            p => p.Length > 0, TimeSpan.FromSeconds(30), "crun delete reached");
        await Hearthd.KillAsync().Within();
        await Assert.ThrowsAnyAsync<Exception>(() => delete.Within());
        await Command.RunAsync("kill", ["-KILL", hangPid]).Within();
        Assert.NotEmpty(await HostTraces.FindAsync(Hearthd, id).Within()); // the delete really was cut short
        fixture.SetMode("pass");
        await Hearthd.LaunchAsync().Within(Bounded.Daemon);

        ApiAssert.Error(await Hearthd.GetAsync("/workspace/" + id).Within(), HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
    }

    [Fact]
    public async Task A_start_that_fails_leaves_the_workspace_failed_unmounted_with_its_disk_and_a_later_start_works()
    {
        fixture.SetMode("pass");
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        Assert.Equal(0, (await Hearthd.ShAsync(id, "echo survives-failed-start > /root/f && sync").Within()).ExitCode);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create), HttpStatusCode.OK);
        fixture.SetMode("before");

        var start = await Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create);

        Assert.Equal(HttpStatusCode.InternalServerError, start.Status);
        Assert.False(start.Json.GetProperty("success").GetBoolean());
        Assert.Equal("failed", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within()));
        Assert.Empty(HostTraces.MountsUnder(HostProbe.WorkspaceDir(Hearthd, id)));
        Assert.DoesNotContain(HostTraces.LoopBackingFiles(), f => f.Contains(id, StringComparison.Ordinal));
        Assert.True(File.Exists(HostProbe.DiskFile(Hearthd, id)), "a failed start must keep the disk");

        fixture.SetMode("pass");
        var again = await Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create);
        ApiAssert.Status(again, HttpStatusCode.OK);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(again));
        Assert.Equal("survives-failed-start", (await Hearthd.ExecAsync(id, "cat", "/root/f").Within()).Stdout.Trim());
        ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create), HttpStatusCode.OK);
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
    }

    private async Task AssertFailedCreateLeavesNothingAsync()
    {
        var cgroupsBefore = HostTraces.CgroupWorkspaceIds();
        var idsBefore = HandedToCrun();
        var totalBefore = (await Hearthd.GetAsync("/workspace").Within()).Json.GetProperty("total").GetInt32();
        var foldersBefore = HostProbe.WorkspaceFolders(Hearthd);
        var disks = Path.Combine(Hearthd.DataDir, "disks");
        var disksBefore = Directory.EnumerateFileSystemEntries(disks).Order().ToList();
        var mountsBefore = HostTraces.MountsUnder(Hearthd.DataDir);
        var loopsBefore = LoopsInDataDir();
        var containersBefore = (await Command.RunAsync("crun", ["--root", Hearthd.CrunRoot, "list", "-q"]).Within()).Stdout;

        var response = await Hearthd.PostAsync("/workspace", """{"image":"busybox"}""").Within(Bounded.Create);

        ApiAssert.Error(response, HttpStatusCode.InternalServerError, "create_failed");
        var attempted = HandedToCrun().Except(idsBefore).ToList();
        Assert.Single(attempted); // the failed create did reach crun create, with exactly one new id
        var id = attempted[0];

        // Measured against the state before the create (0 and empty unless another test of this class left something).
        Assert.Equal(totalBefore, (await Hearthd.GetAsync("/workspace").Within()).Json.GetProperty("total").GetInt32());
        ApiAssert.Error(await Hearthd.GetAsync("/workspace/" + id).Within(), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(foldersBefore, HostProbe.WorkspaceFolders(Hearthd));
        Assert.Equal(disksBefore, Directory.EnumerateFileSystemEntries(disks).Order().ToList());
        Assert.Equal(mountsBefore, HostTraces.MountsUnder(Hearthd.DataDir));
        Assert.Equal(loopsBefore, LoopsInDataDir());
        Assert.Empty(HostTraces.CgroupDirsOf(id));
        var newCgroups = HostTraces.CgroupWorkspaceIds().Except(cgroupsBefore).ToList();
        Assert.DoesNotContain(newCgroups, HandedToCrun().Contains);
        var containersAfter = (await Command.RunAsync("crun", ["--root", Hearthd.CrunRoot, "list", "-q"]).Within()).Stdout;
        Assert.Equal(containersBefore, containersAfter);
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
        // Nor anything of its network: no veth, nothing in the firewall.
        Assert.DoesNotContain("hw-" + id[3..], (await Hearthd.InNetworkNamespaceAsync("ip", "-o", "link").Within()).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(id[3..], (await Hearthd.InNetworkNamespaceAsync("nft", "list", "table", "inet", "hearth").Within()).Stdout, StringComparison.Ordinal);
    }

    private List<string> LoopsInDataDir() =>
        HostTraces.LoopBackingFiles().Where(f => f.StartsWith(Hearthd.DataDir, StringComparison.Ordinal)).Order().ToList();

    /// <summary>Every workspace id hearthd has passed to crun so far.</summary>
    private HashSet<string> HandedToCrun() =>
        File.Exists(fixture.CallsLog)
            ? Regex.Matches(File.ReadAllText(fixture.CallsLog), @"\bws_[a-z0-9]{10}\b").Select(m => m.Value).ToHashSet()
            : [];
}
