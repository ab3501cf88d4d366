using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Hearth.Bench.Host;
using Hearth.Bench.Measurement;
using Hearth.Runtime.Containers;
using Hearth.Runtime.Disks;
using Hearth.Runtime.Interop;
using Hearth.Runtime.Network;
using Hearth.Runtime.Network.Firewall;
using Hearth.Runtime.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using HostCgroups = Hearth.Runtime.Cgroups.Cgroups;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Where a create's time goes, measured from outside hearthd: CrunDriver's create (CreateAsync,
/// StartAsync) and delete (DestroyAsync) taken apart step by step, each step timed on its own,
/// in the same order and through hearthd's own code (Hearth.Runtime: DiskImage, MountSyscalls,
/// UserNamespaces, CrunCli, MountStack.Unmount), on the same image and with the config.json
/// hearthd rendered for a live workspace. The network steps hearthd's WorkspaceService and
/// CrunDriver add around them (the firewall's <c>nft -f</c> before the driver, the veth between
/// <c>crun create</c> and <c>crun start</c>; on delete the veth and the firewall's entries) run
/// through NftFirewall and WorkspaceLinks in a network namespace of the bench's, set up as
/// hearthd sets up its own (HostNetwork). What is left of the API figure after these steps is
/// hearthd's own work: HTTP, auth, SQLite, JSON.
/// </summary>
internal sealed class CreateBreakdown : IDisposable
{
    /// <summary>A range of its own, above the baseline's and far above hearthd's.</summary>
    private const long UidBase = CrunBaseline.UidBase + CrunBaseline.UidCount;
    private const int DiskSizeMb = 1024; // hearthd's default disk_size_mb
    /// <summary>hearthd's default pool; a workspace created after the last one was deleted gets its first address again.</summary>
    private static readonly IPNetwork Pool = IPNetwork.Parse("10.88.0.0/16");
    private static readonly IPAddress Address = IPAddress.Parse("10.88.0.2");
    private static int instances;

    private readonly Scratch scratch;
    private readonly string imageRootfs;
    private readonly JsonObject hearthConfig;
    private readonly string agentSource;
    private readonly string dir;
    private readonly DriverOptions options;
    private readonly DiskImage disks = new(HostProcess.Runner);
    private readonly CrunCli crun;
    private readonly HostCgroups cgroups;
    /// <summary>Kept for the whole run, as CrunDriver keeps its own: one user namespace fd per uid range.</summary>
    private readonly UserNamespaces userNamespaces = new(CrunBaseline.UidCount);
    /// <summary>Ids and namespace names of this breakdown (a run may make two: the create and the network scenario's).</summary>
    private readonly string tag = $"k{Interlocked.Increment(ref instances)}";
    private NetworkNamespace? netns;
    private NftFirewall? firewall;
    private WorkspaceLinks? links;

    public CreateBreakdown(Scratch scratch, string imageRootfs, string hearthConfigJson, string agentSource)
    {
        this.scratch = scratch;
        this.imageRootfs = imageRootfs;
        hearthConfig = JsonNode.Parse(hearthConfigJson)!.AsObject();
        this.agentSource = agentSource;
        dir = Path.Combine(scratch.Root, "breakdown");
        // hearthd's layout (workspaces/<id>/, disks/<id>.ext4) under the bench's dir, crun root and cgroup parent.
        options = new DriverOptions
        {
            DataDir = dir,
            DiskPoolDir = Path.Combine(dir, "disks"),
            CrunRoot = scratch.CrunRoot,
            AgentDir = Path.Combine(dir, "agent"),
            CgroupParent = scratch.CgroupParent,
        };
        crun = new CrunCli(HostProcess.Runner, options);
        cgroups = new HostCgroups(scratch.CgroupParent);
    }

    public Samples SpawnFloor { get; } = new("spawn floor: /bin/true through Process (every host command pays it)");
    /// <summary>
    /// The same through <c>nsenter --net=</c> into the bench's namespace, as hearthd runs its host-side
    /// nft and ip when it has a namespace of its own (tests, the bench); in the host's namespace it runs them directly.
    /// </summary>
    public Samples NsenterFloor { get; } = new("nsenter --net=<namespace> -- /bin/true through Process (how hearthd with a network namespace runs nft and ip)");
    public Samples Disk { get; } = new("disk: sparse 1 GiB file + mkfs.ext4 -q -F -m 0 -E nodiscard,root_owner (DiskImage.CreateAsync)");
    public Samples DiskMount { get; } = new("loop attach (LOOP_CONFIGURE) + mount ext4 (DiskImage.Mount) + mkdir/chown upper, work");
    public Samples Userns { get; } = new("user namespace of the uid range, kept by UserNamespaces (cached after the range's first start)");
    public Samples IdmapMount { get; } = new("idmapped read-only mount of the image (open_tree, mount_setattr, move_mount)");
    public Samples OverlayMount { get; } = new("overlay mount");
    public Samples ConfigWrite { get; } = new("render + write config.json and resolv.conf");
    public Samples FirewallAdd { get; } = new("network: firewall add (NftFirewall.AddAsync: one nft -f, before the driver runs)");
    public Samples CrunCreate { get; } = new("crun create --pid-file (CrunCli; hearthd's config, hearth-agent init as PID 1)");
    public Samples VethAttach { get; } =
        new("network: veth attach (WorkspaceLinks.AttachAsync: read the pid file, ip -batch on the host side, nsenter + ip -batch in the workspace)");
    public Samples CrunStart { get; } = new("crun start + read the pid file");
    public Samples CreateSum { get; } = new("sum of the create steps, per run");
    public Samples UsernsFirstUse { get; } =
        new("first start of a uid range: its user namespace (unshare --user helper, poll ns, write maps, open fd, kill, reap); not in the sum");

    public Samples CrunDelete { get; } = new("crun delete --force (running)");
    public Samples VethDetach { get; } = new("network: veth detach (WorkspaceLinks.DetachAsync: ip link del)");
    public Samples Unmount { get; } = new("umount overlay, idmapped image, ext4 (loop autoclear), as MountStack.Unmount");
    public Samples RemoveFiles { get; } = new("rm disk image + workspace dir + cgroup leftovers");
    public Samples FirewallRemove { get; } = new("network: firewall remove (NftFirewall.RemoveAsync: one nft -f, after the driver)");
    /// <summary>The network steps of one create (firewall add + veth attach), per run.</summary>
    public Samples NetworkCreateSum { get; } = new("network steps of a create: firewall add + veth attach, per run");
    public Samples NetworkDeleteSum { get; } = new("network steps of a delete: veth detach + firewall remove, per run");
    /// <summary>Incremental nft changes the firewall refused and healed with a full rebuild (should stay 0).</summary>
    public int FirewallHeals { get; private set; }
    public Samples DeleteSum { get; } = new("sum of the delete steps, per run");

    /// <summary>
    /// One write of a pid to a fresh cgroup v1 <c>cgroup.procs</c> after an idle pause, and one
    /// right after it: crun does this for every container, and in kernel 6.x an attach takes
    /// cgroup_threadgroup_rwsem for writing, which costs an RCU grace period unless another
    /// writer just had it (percpu-rwsem, rcu_sync).
    /// </summary>
    public Samples CgroupAttachCold { get; } = new("cgroup v1 attach (write to cgroup.procs) after an idle pause");
    public Samples CgroupAttachWarm { get; } = new("cgroup v1 attach right after another one");

    public IReadOnlyList<Samples> CreateSteps => [FirewallAdd, Disk, DiskMount, Userns, IdmapMount, OverlayMount, ConfigWrite, CrunCreate, VethAttach, CrunStart];

    public IReadOnlyList<Samples> DeleteSteps => [CrunDelete, VethDetach, Unmount, RemoveFiles, FirewallRemove];

    /// <summary>
    /// Copies hearthd's agent bundle (bin/hearth-agent + lib/), so /.hearth does not depend on
    /// hearthd's data dir, and makes the uid range's user namespace: every timed create is a
    /// later start of the range, as nearly all of hearthd's are. The workspaces' host side goes
    /// into a network namespace of the bench's, prepared as hearthd prepares its own at start
    /// (HostNetwork: the gateway bridge; NftFirewall.SyncAsync: the table, here with no workspace).
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.Combine(dir, "workspaces"));
        Directory.CreateDirectory(options.DiskPoolDir);
        await HostProcess.RunCheckedAsync("cp", ["-rL", agentSource, options.AgentDir], cancellationToken);
        await userNamespaces.GetAsync(UidBase, cancellationToken);

        var path = await scratch.CreateNetworkNamespaceAsync(tag, cancellationToken);
        netns = new NetworkNamespace(path);
        var network = new NetworkOptions { Pool = Pool, NamespacePath = path };
        await new HostNetwork(network, netns, HostProcess.Runner, NullLogger<HostNetwork>.Instance).PrepareAsync(cancellationToken);
        firewall = new NftFirewall(network, netns, HostProcess.Runner, NullLogger<NftFirewall>.Instance);
        await firewall.SyncAsync([], cancellationToken);
        links = new WorkspaceLinks(network, netns, HostProcess.Runner);
    }

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
            await SpawnFloor.TimeWithCpuAsync(() => HostProcess.RunAsync("/bin/true", [], cancellationToken));
            await NsenterFloor.TimeWithCpuAsync(() => HostProcess.Runner.RunCheckedAsync(netns!.Wrap(new ProcessRequest("/bin/true", [])), cancellationToken));
            // A range's first start, as hearthd's UserNamespaces makes it: a fresh cache, one GetAsync.
            using (var firstUse = new UserNamespaces(CrunBaseline.UidCount))
                await UsernsFirstUse.TimeWithCpuAsync(() => firstUse.GetAsync(UidBase, cancellationToken));
            // Letters and digits only: nft names its chains and sets after the id (NftRuleset.KeyOf).
            var id = $"{scratch.Prefix}{tag}n{i}";
            await CreateSum.TimeWithCpuAsync(() => CreateAsync(id, cancellationToken));
            NetworkCreateSum.Add(FirewallAdd.Last + VethAttach.Last);
            await DeleteSum.TimeWithCpuAsync(() => DestroyAsync(id, cancellationToken));
            NetworkDeleteSum.Add(VethDetach.Last + FirewallRemove.Last);
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

    /// <summary>
    /// WorkspaceService's firewall add, then CrunDriver.CreateAsync + StartAsync on a fresh id (no
    /// crun state, nothing mounted, so no cleanup runs).
    /// </summary>
    private async Task CreateAsync(string id, CancellationToken cancellationToken)
    {
        var (firewall, links) = Network();
        var paths = new WorkspacePaths(options, id);
        var rules = new WorkspaceRules { WorkspaceId = id, Address = Address };
        await FirewallAdd.TimeWithCpuAsync(() => firewall.AddAsync(rules, () => Healed([rules]), cancellationToken));
        await Disk.TimeWithCpuAsync(async () =>
        {
            Directory.CreateDirectory(paths.Root);
            await disks.CreateAsync(paths.Disk, DiskSizeMb, UidBase, cancellationToken);
        });
        await DiskMount.TimeWithCpuAsync(() =>
        {
            DiskImage.Mount(paths.Disk, paths.DiskMount);
            foreach (var d in new[] { paths.Upper, paths.Work })
            {
                Directory.CreateDirectory(d);
                File.SetUnixFileMode(d, (UnixFileMode)0b111_101_101);
                if (Libc.Chown(d, (uint)UidBase, (uint)UidBase) != 0) throw new BenchException($"chown {d} failed");
            }
            return Task.CompletedTask;
        });
        var userns = await Userns.TimeWithCpuAsync(() => userNamespaces.GetAsync(UidBase, cancellationToken));
        await IdmapMount.TimeWithCpuAsync(() =>
        {
            Directory.CreateDirectory(paths.Lower);
            MountSyscalls.MountIdmappedReadOnly(imageRootfs, paths.Lower, userns.Fd);
            return Task.CompletedTask;
        });
        await OverlayMount.TimeWithCpuAsync(() =>
        {
            Directory.CreateDirectory(paths.Rootfs);
            MountSyscalls.Mount("overlay", paths.Rootfs, "overlay", $"lowerdir={paths.Lower},upperdir={paths.Upper},workdir={paths.Work}");
            return Task.CompletedTask;
        });
        await ConfigWrite.TimeWithCpuAsync(async () =>
        {
            Directory.CreateDirectory(paths.Bundle);
            // As CrunDriver.WriteResolvConf: the workspace's own copy, owned by its root.
            await File.WriteAllTextAsync(paths.ResolvConf, $"# written by Hearth: the workspace DNS resolver\nnameserver {Pool.BaseAddress}\n", cancellationToken);
            if (Libc.Chown(paths.ResolvConf, (uint)UidBase, (uint)UidBase) != 0) throw new BenchException($"chown {paths.ResolvConf} failed");
            await File.WriteAllTextAsync(paths.Config, Render(id, paths), cancellationToken);
        });
        await CrunCreate.TimeWithCpuAsync(() => crun.CreateAsync(id, paths.Bundle, paths.ConsoleLog, paths.InitPidFile, cancellationToken));
        await VethAttach.TimeWithCpuAsync(async () =>
            await links.AttachAsync(id, await ReadInitPidAsync(paths, cancellationToken), Address, cancellationToken));
        await CrunStart.TimeWithCpuAsync(async () =>
        {
            await crun.StartAsync(id, cancellationToken);
            return await ReadInitPidAsync(paths, cancellationToken);
        });
    }

    private static async Task<int> ReadInitPidAsync(WorkspacePaths paths, CancellationToken cancellationToken) =>
        int.Parse(await File.ReadAllTextAsync(paths.InitPidFile, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>CrunDriver.DestroyAsync, then WorkspaceService's firewall remove.</summary>
    private async Task DestroyAsync(string id, CancellationToken cancellationToken)
    {
        var (firewall, links) = Network();
        var paths = new WorkspacePaths(options, id);
        await CrunDelete.TimeWithCpuAsync(async () =>
        {
            if (!(await crun.DeleteAsync(id, cancellationToken)).Succeeded)
                throw new BenchException($"crun delete --force {id} failed");
        });
        await VethDetach.TimeWithCpuAsync(() => links.DetachAsync(id, cancellationToken));
        await Unmount.TimeWithCpuAsync(() =>
        {
            MountStack.Unmount(paths);
            return Task.CompletedTask;
        });
        await RemoveFiles.TimeWithCpuAsync(() =>
        {
            File.Delete(paths.Disk);
            Directory.Delete(paths.Root, recursive: true);
            cgroups.RemoveLeftovers(id);
            return Task.CompletedTask;
        });
        await FirewallRemove.TimeWithCpuAsync(() => firewall.RemoveAsync(id, Address, () => Healed([]), cancellationToken));
    }

    private (NftFirewall Firewall, WorkspaceLinks Links) Network() =>
        firewall is not null && links is not null ? (firewall, links) : throw new InvalidOperationException("PrepareAsync first");

    /// <summary>NftFirewall asks for every workspace's rules only when nft refused an incremental change.</summary>
    private IReadOnlyCollection<WorkspaceRules> Healed(IReadOnlyCollection<WorkspaceRules> all)
    {
        FirewallHeals++;
        return all;
    }

    /// <summary>hearthd's rendered config with this run's rootfs, uid range, cgroup, agent folder and resolv.conf.</summary>
    private string Render(string id, WorkspacePaths paths)
    {
        var config = hearthConfig.DeepClone().AsObject();
        config["root"]!["path"] = paths.Rootfs;
        var linux = config["linux"]!.AsObject();
        linux["cgroupsPath"] = $"/{scratch.CgroupParent}/{id}";
        foreach (var key in new[] { "uidMappings", "gidMappings" })
            foreach (var map in linux[key]!.AsArray())
                map!["hostID"] = UidBase;
        foreach (var mount in config["mounts"]!.AsArray())
            if ((string?)mount!["destination"] == "/.hearth")
                mount["source"] = options.AgentDir;
            else if ((string?)mount["destination"] == "/etc/resolv.conf")
                mount["source"] = paths.ResolvConf;
        return config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>
    /// The NetworkNamespace is left to the end of the process (see WorkspacePair.DisposeAsync);
    /// Scratch deletes the namespace itself.
    /// </summary>
    public void Dispose() => userNamespaces.Dispose();
}
