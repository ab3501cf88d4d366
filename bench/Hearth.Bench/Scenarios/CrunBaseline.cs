using System.Text.Json.Nodes;
using Hearth.Bench.Host;
using Hearth.Bench.Measurement;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// The baseline of issue 2: bare <c>crun run --detach</c> of a copy of the same busybox rootfs
/// hearthd uses, running <c>sleep 1000</c>, then <c>crun delete --force</c>; the same sequential
/// series and concurrent burst as Hearth, measured in the same run.
/// </summary>
internal sealed class CrunBaseline
{
    /// <summary>
    /// Above every range hearthd hands out here: its default uid_base (100,000,000) and the test
    /// instances' blocks (1,000,000,000 + up to 150 x 256 x 65,536 = 3,516,582,400), so the
    /// bench never shares host uids with a workspace of a test run beside it.
    /// </summary>
    public const long UidBase = 4_000_000_000;
    public const long UidCount = Hearth.Runtime.WorkspaceSpec.UidRangeSize;
    private const long MemoryBytes = 512L * 1024 * 1024;

    private readonly Scratch scratch;
    private readonly string imageRootfs;
    private readonly BaselineFlavor flavor;
    private readonly Crun crun;
    private readonly string dir;
    private JsonObject? template;

    public CrunBaseline(Scratch scratch, string imageRootfs, BaselineFlavor flavor)
    {
        this.scratch = scratch;
        this.imageRootfs = imageRootfs;
        this.flavor = flavor;
        crun = new Crun(scratch.CrunRoot);
        dir = Path.Combine(scratch.Root, flavor == BaselineFlavor.Bare ? "baseline-bare" : "baseline-userns");
        Figures = new LifecycleFigures(flavor == BaselineFlavor.Bare ? "bare crun" : "crun+userns+cgroups");
    }

    public LifecycleFigures Figures { get; }

    /// <summary>
    /// Creates spaced out by an idle pause, as hearthd's are by its own work (disk, mounts,
    /// helpers) between two crun runs: a cgroup v1 attach right after another one is cheap, one
    /// after an idle moment waits for an RCU grace period (see CreateBreakdown's attach probe).
    /// </summary>
    public Samples CreatePaced { get; private set; } = new("paced");

    private string Rootfs => Path.Combine(dir, "rootfs");
    private string ConsoleLog => Path.Combine(dir, "console.log");

    /// <summary>Copies the rootfs and makes the config from <c>crun spec</c>; not timed.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(dir);
        await HostProcess.RunCheckedAsync("cp", ["-a", imageRootfs, Rootfs], cancellationToken);
        if (flavor == BaselineFlavor.UsernsCgroups)
            await HostProcess.RunCheckedAsync("chown", ["-hR", $"{UidBase}:{UidBase}", Rootfs], cancellationToken);
        var specDir = Path.Combine(dir, "spec");
        Directory.CreateDirectory(specDir);
        await HostProcess.RunCheckedAsync("crun", ["spec", "--bundle", specDir], cancellationToken);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(specDir, "config.json"), cancellationToken))!.AsObject();
        config["process"]!["terminal"] = false;
        config["process"]!["args"] = new JsonArray("sleep", "1000");
        config["root"]!["path"] = Rootfs;
        if (flavor == BaselineFlavor.UsernsCgroups)
        {
            var linux = config["linux"]!.AsObject();
            linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "user" });
            linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "cgroup" });
            var map = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = UidBase, ["size"] = UidCount });
            linux["uidMappings"] = map;
            linux["gidMappings"] = map.DeepClone();
            var memory = new JsonObject { ["limit"] = MemoryBytes };
            if (File.Exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")) memory["swap"] = MemoryBytes;
            var resources = linux["resources"]!.AsObject();
            resources["memory"] = memory;
            resources["cpu"] = new JsonObject { ["quota"] = 100_000, ["period"] = 100_000 };
            resources["pids"] = new JsonObject { ["limit"] = 1024 };
        }
        template = config;
    }

    public async Task RunAsync(BenchOptions options, CancellationToken cancellationToken = default)
    {
        var tag = flavor == BaselineFlavor.Bare ? "b" : "u";
        var sequential = Enumerable.Range(0, options.Sequential).Select(i => $"{scratch.Prefix}-{tag}s{i}").ToList();
        var concurrent = Enumerable.Range(0, options.Concurrent).Select(i => $"{scratch.Prefix}-{tag}c{i}").ToList();
        foreach (var id in sequential.Concat(concurrent))
            await WriteBundleAsync(id, cancellationToken);

        // The bench process spawns the baseline's crun, as hearthd spawns its own.
        var before = ProcessCpu.Read(Environment.ProcessId);
        foreach (var id in sequential)
            await Figures.CreateSequential.TimeAsync(() => crun.RunDetachedAsync(id, BundleOf(id), ConsoleLog, cancellationToken));
        var after = ProcessCpu.Read(Environment.ProcessId);
        Figures.CreateCpuMs = (after.Total - before.Total) / sequential.Count;
        Figures.CreateCpuOwnMs = (after.Own - before.Own) / sequential.Count;
        Figures.CreateConcurrentWallMs = await Burst.RunAsync(concurrent.Count, Figures.CreateConcurrent,
            i => crun.RunDetachedAsync(concurrent[i], BundleOf(concurrent[i]), ConsoleLog, cancellationToken));

        var cpu = ProcessCpu.ReadMs(Environment.ProcessId);
        foreach (var id in sequential)
            await Figures.DeleteSequential.TimeAsync(() => crun.DeleteCheckedAsync(id, cancellationToken));
        Figures.DeleteCpuMs = (ProcessCpu.ReadMs(Environment.ProcessId) - cpu) / sequential.Count;
        Figures.DeleteConcurrentWallMs = await Burst.RunAsync(concurrent.Count, Figures.DeleteConcurrent,
            i => crun.DeleteCheckedAsync(concurrent[i], cancellationToken));
    }

    /// <summary><paramref name="count"/> creates, each after <paramref name="paceMs"/> of idling; deleted afterwards, untimed.</summary>
    public async Task RunPacedAsync(int count, int paceMs, CancellationToken cancellationToken = default)
    {
        CreatePaced = new Samples($"{Figures.System} create, one every {paceMs} ms");
        var tag = flavor == BaselineFlavor.Bare ? "b" : "u";
        var ids = Enumerable.Range(0, count).Select(i => $"{scratch.Prefix}-{tag}p{i}").ToList();
        foreach (var id in ids)
            await WriteBundleAsync(id, cancellationToken);
        foreach (var id in ids)
        {
            await Task.Delay(paceMs, cancellationToken);
            await CreatePaced.TimeAsync(() => crun.RunDetachedAsync(id, BundleOf(id), ConsoleLog, cancellationToken));
        }
        foreach (var id in ids)
            await crun.DeleteCheckedAsync(id, cancellationToken);
    }

    private string BundleOf(string id) => Path.Combine(dir, "bundles", id);

    private async Task WriteBundleAsync(string id, CancellationToken cancellationToken)
    {
        var config = template!.DeepClone().AsObject();
        if (flavor == BaselineFlavor.UsernsCgroups)
            config["linux"]!["cgroupsPath"] = $"/{scratch.CgroupParent}/{id}";
        else
            scratch.RememberDefaultCgroup(id);
        Directory.CreateDirectory(BundleOf(id));
        await File.WriteAllTextAsync(Path.Combine(BundleOf(id), "config.json"), config.ToJsonString(), cancellationToken);
    }
}
