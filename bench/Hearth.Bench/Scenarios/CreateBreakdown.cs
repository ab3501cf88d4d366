using System.Diagnostics;
using System.Text.Json.Nodes;
using Hearth.Bench.Host;
using Hearth.Bench.Measurement;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Where a create's time goes, measured from outside hearthd: each step hearthd's CrunDriver
/// takes to create a workspace (and DestroyAsync to delete one) is done by hand, in the same
/// order, with the same programs, flags and syscalls, on the same image and with the config.json
/// hearthd rendered for a live workspace. What is left of the API figure after these steps is
/// hearthd's own work: HTTP, auth, SQLite, JSON.
/// </summary>
internal sealed class CreateBreakdown
{
    /// <summary>A range of its own, above the baseline's and far above hearthd's.</summary>
    private const long UidBase = CrunBaseline.UidBase + CrunBaseline.UidCount;
    private const int DiskSizeMb = 1024; // hearthd's default disk_size_mb

    private readonly Scratch scratch;
    private readonly string imageRootfs;
    private readonly JsonObject hearthConfig;
    private readonly string agentSource;
    private readonly Crun crun;
    private readonly string dir;

    public CreateBreakdown(Scratch scratch, string imageRootfs, string hearthConfigJson, string agentSource)
    {
        this.scratch = scratch;
        this.imageRootfs = imageRootfs;
        hearthConfig = JsonNode.Parse(hearthConfigJson)!.AsObject();
        this.agentSource = agentSource;
        crun = new Crun(scratch.CrunRoot);
        dir = Path.Combine(scratch.Root, "breakdown");
    }

    public Samples SpawnFloor { get; } = new("spawn floor: /bin/true through Process (every host command pays it)");
    public Samples CrunDeleteAbsent { get; } = new("crun delete --force of an absent id (StartAsync's crash cleanup)");
    public Samples Disk { get; } = new("disk: sparse 1 GiB file + mkfs.ext4 -q -F -m 0 -E nodiscard,root_owner");
    public Samples DiskMount { get; } = new("loop attach (LOOP_CONFIGURE) + mount ext4 + mkdir/chown upper, work");
    public Samples Userns { get; } = new("userns helper: unshare --user, poll ns, write maps, open fd, kill, reap");
    public Samples UsernsUntilFd { get; } = new("  of which spawn until the ns fd is open");
    public Samples UsernsKill { get; } = new("  of which kill + reap the helper");
    public Samples IdmapMount { get; } = new("idmapped read-only mount of the image (open_tree, mount_setattr, move_mount)");
    public Samples OverlayMount { get; } = new("overlay mount");
    public Samples ConfigWrite { get; } = new("render + write config.json");
    public Samples CrunRun { get; } = new("crun run --detach (hearthd's config, hearth-agent init as PID 1)");
    public Samples CrunState { get; } = new("crun state (after start, for the init pid)");
    public Samples CreateSum { get; } = new("sum of the create steps, per run");

    public Samples CrunDelete { get; } = new("crun delete --force (running)");
    public Samples Unmount { get; } = new("umount overlay, idmapped image, ext4 (loop autoclear)");
    public Samples RemoveFiles { get; } = new("rm disk image + workspace dir + cgroup leftovers");
    public Samples DeleteSum { get; } = new("sum of the delete steps, per run");

    /// <summary>
    /// One write of a pid to a fresh cgroup v1 <c>cgroup.procs</c> after an idle pause, and one
    /// right after it: crun does this for every container, and in kernel 6.x an attach takes
    /// cgroup_threadgroup_rwsem for writing, which costs an RCU grace period unless another
    /// writer just had it (percpu-rwsem, rcu_sync).
    /// </summary>
    public Samples CgroupAttachCold { get; } = new("cgroup v1 attach (write to cgroup.procs) after an idle pause");
    public Samples CgroupAttachWarm { get; } = new("cgroup v1 attach right after another one");

    public IReadOnlyList<Samples> CreateSteps =>
        [CrunDeleteAbsent, Disk, DiskMount, Userns, UsernsUntilFd, UsernsKill, IdmapMount, OverlayMount, ConfigWrite, CrunRun, CrunState];

    public IReadOnlyList<Samples> DeleteSteps => [CrunDelete, Unmount, RemoveFiles];

    /// <summary>Copies hearthd's agent bundle (bin/hearth-agent + lib/), so /.hearth does not depend on hearthd's data dir.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.Combine(dir, "workspaces"));
        Directory.CreateDirectory(Path.Combine(dir, "disks"));
        await HostProcess.RunCheckedAsync("cp", ["-rL", agentSource, AgentDir], cancellationToken: cancellationToken);
    }

    private string AgentDir => Path.Combine(dir, "agent");

    /// <summary>
    /// <paramref name="runs"/> by-hand creates and deletes; <paramref name="alongside"/> runs
    /// before each (a create and delete through hearthd's API), so that the two are measured
    /// under the same load, whatever else the machine is doing.
    /// </summary>
    public async Task RunAsync(int runs, Func<CancellationToken, Task> alongside, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < runs; i++)
        {
            await alongside(cancellationToken);
            await SpawnFloor.TimeWithCpuAsync(() => HostProcess.RunAsync("/bin/true", [], cancellationToken: cancellationToken));
            var id = $"{scratch.Prefix}-k{i}";
            await CreateSum.TimeWithCpuAsync(() => CreateAsync(id, cancellationToken));
            await DeleteSum.TimeWithCpuAsync(() => DestroyAsync(id, cancellationToken));
        }
    }

    /// <summary>Moves a <c>sleep</c> of ours from cgroup to cgroup in the pids hierarchy, below the bench's own parent.</summary>
    public async Task ProbeCgroupAttachAsync(int runs, int pauseMs, CancellationToken cancellationToken = default)
    {
        var parent = Path.Combine("/sys/fs/cgroup/pids", scratch.CgroupParent, "attach-probe");
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "1000") { UseShellExecute = false, RedirectStandardInput = true })
            ?? throw new BenchException("cannot start sleep");
        var pid = sleeper.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            for (var i = 0; i < runs; i++)
            {
                await Task.Delay(pauseMs, cancellationToken);
                foreach (var (name, samples) in new[] { ($"cold{i}", CgroupAttachCold), ($"warm{i}", CgroupAttachWarm) })
                {
                    var dir = Path.Combine(parent, name);
                    Directory.CreateDirectory(dir);
                    await samples.TimeAsync(() => File.WriteAllTextAsync(Path.Combine(dir, "cgroup.procs"), pid, CancellationToken.None));
                }
            }
        }
        finally
        {
            sleeper.Kill();
            await sleeper.WaitForExitAsync(CancellationToken.None);
            // Empty now; Scratch removes whatever this leaves.
            foreach (var dir in Directory.Exists(parent) ? Directory.EnumerateDirectories(parent).Append(parent).ToList() : [])
            {
                try { Directory.Delete(dir); }
                catch (IOException) { }
            }
        }
    }

    private async Task CreateAsync(string id, CancellationToken cancellationToken)
    {
        var root = Path.Combine(dir, "workspaces", id);
        var disk = Path.Combine(dir, "disks", id + ".ext4");
        var diskMount = Path.Combine(root, "disk");
        var (upper, work) = (Path.Combine(diskMount, "upper"), Path.Combine(diskMount, "work"));
        var lower = Path.Combine(root, "lower");
        var rootfs = Path.Combine(root, "rootfs");
        var bundle = Path.Combine(root, "bundle");

        await CrunDeleteAbsent.TimeWithCpuAsync(() => crun.DeleteAsync(id, cancellationToken));
        await Disk.TimeWithCpuAsync(async () =>
        {
            Directory.CreateDirectory(root);
            await using (var file = new FileStream(disk, FileMode.CreateNew, FileAccess.Write))
                file.SetLength(DiskSizeMb * 1024L * 1024L);
            await HostProcess.RunCheckedAsync("mkfs.ext4",
                ["-q", "-F", "-m", "0", "-E", $"nodiscard,root_owner={UidBase}:{UidBase}", disk], cancellationToken: cancellationToken);
        });
        await DiskMount.TimeWithCpuAsync(() =>
        {
            Mounts.MountDisk(disk, diskMount);
            foreach (var d in new[] { upper, work })
            {
                Directory.CreateDirectory(d);
                File.SetUnixFileMode(d, (UnixFileMode)0b111_101_101);
                Native.Check(Native.Chown(d, (uint)UidBase, (uint)UidBase), $"chown {d}");
            }
            return Task.CompletedTask;
        });
        var helper = await Userns.TimeWithCpuAsync(() => UserNamespaceHelper.CreateAsync(UidBase, CrunBaseline.UidCount, cancellationToken));
        using (helper)
        {
            UsernsUntilFd.Add(helper.UntilFd);
            UsernsKill.Add(helper.KillAndReap);
            await IdmapMount.TimeWithCpuAsync(() =>
            {
                Mounts.MountIdmappedReadOnly(imageRootfs, lower, helper.Fd);
                return Task.CompletedTask;
            });
        }
        await OverlayMount.TimeWithCpuAsync(() =>
        {
            Mounts.MountOverlay(lower, upper, work, rootfs);
            return Task.CompletedTask;
        });
        await ConfigWrite.TimeWithCpuAsync(async () =>
        {
            Directory.CreateDirectory(bundle);
            await File.WriteAllTextAsync(Path.Combine(bundle, "config.json"), Render(id, rootfs), cancellationToken);
        });
        await CrunRun.TimeWithCpuAsync(() => crun.RunDetachedAsync(id, bundle, Path.Combine(root, "console.log"), cancellationToken));
        await CrunState.TimeWithCpuAsync(() => crun.StateAsync(id, cancellationToken));
    }

    private async Task DestroyAsync(string id, CancellationToken cancellationToken)
    {
        var root = Path.Combine(dir, "workspaces", id);
        await CrunDelete.TimeWithCpuAsync(() => crun.DeleteCheckedAsync(id, cancellationToken));
        await Unmount.TimeWithCpuAsync(() =>
        {
            foreach (var target in new[] { "rootfs", "lower", "disk" })
                Mounts.Unmount(Path.Combine(root, target));
            return Task.CompletedTask;
        });
        await RemoveFiles.TimeWithCpuAsync(() =>
        {
            File.Delete(Path.Combine(dir, "disks", id + ".ext4"));
            Directory.Delete(root, recursive: true);
            foreach (var controller in Directory.EnumerateDirectories("/sys/fs/cgroup"))
            {
                var cgroup = Path.Combine(controller, scratch.CgroupParent, id);
                try { if (Directory.Exists(cgroup)) Directory.Delete(cgroup); }
                catch (IOException) { }
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>hearthd's rendered config with this run's rootfs, uid range, cgroup and agent folder.</summary>
    private string Render(string id, string rootfs)
    {
        var config = hearthConfig.DeepClone().AsObject();
        config["root"]!["path"] = rootfs;
        var linux = config["linux"]!.AsObject();
        linux["cgroupsPath"] = $"/{scratch.CgroupParent}/{id}";
        foreach (var key in new[] { "uidMappings", "gidMappings" })
            foreach (var map in linux[key]!.AsArray())
                map!["hostID"] = UidBase;
        foreach (var mount in config["mounts"]!.AsArray())
            if ((string?)mount!["destination"] == "/.hearth")
                mount["source"] = AgentDir;
        return config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }
}
