using System.Diagnostics;
using Hearth.Runtime.Disks;
using Hearth.Runtime.Processes;
using Microsoft.Extensions.Logging;

namespace Hearth.Runtime.Containers;

/// <summary>
/// The <c>container</c> tier: each workspace is a crun container in its own user, pid, mount,
/// network, uts, ipc and cgroup namespaces, on an overlay of the image over its own ext4 disk.
/// </summary>
internal sealed partial class CrunDriver(
    DriverOptions options, IProcessRunner processes, ILogger<CrunDriver> logger, Network.WorkspaceLinks? links = null) : IWorkspaceDriver
{
    private readonly CrunCli crun = new(processes, options);
    private readonly DiskImage disks = new(processes);
    private readonly Cgroups.Cgroups cgroups = new(options.CgroupParent);
    private readonly UserNamespaces userNamespaces = new(WorkspaceSpec.UidRangeSize);

    private WorkspacePaths PathsOf(string id) => new(options, id);

    public async Task<int> CreateAsync(WorkspaceSpec spec, CancellationToken cancellationToken = default)
    {
        var paths = PathsOf(spec.Id);
        Directory.CreateDirectory(paths.Root);
        await disks.CreateAsync(paths.Disk, spec.DiskSizeMb, spec.UidBase, cancellationToken);
        return await StartAsync(spec, cancellationToken);
    }

    public async Task<int> StartAsync(WorkspaceSpec spec, CancellationToken cancellationToken = default)
    {
        var paths = PathsOf(spec.Id);
        var clock = Stopwatch.StartNew();
        // Whatever a crash left (a dead container, stale mounts) goes first, so start is repeatable.
        if (crun.HasState(spec.Id))
            await crun.DeleteAsync(spec.Id, cancellationToken);
        MountStack.Unmount(paths);
        if (!File.Exists(paths.Disk))
            throw new RuntimeException("disk_missing", $"the disk of {spec.Id} is missing ({paths.Disk})");
        await disks.GrowAsync(paths.Disk, spec.DiskSizeMb, cancellationToken);

        await MountStack.MountAsync(paths, spec.ImageLayers, spec.UidBase, userNamespaces, cancellationToken);
        int initPid;
        try
        {
            Directory.CreateDirectory(paths.Bundle);
            var networked = spec.Address is not null && links is not null;
            if (networked)
                WriteResolvConf(paths, links!.Resolver, spec.UidBase);
            await File.WriteAllTextAsync(paths.Config,
                OciSpec.Render(spec, paths, options, cgroups.SwapAccounting, networked ? paths.ResolvConf : null), cancellationToken);
            await crun.CreateAsync(spec.Id, paths.Bundle, paths.ConsoleLog, paths.InitPidFile, cancellationToken);
            initPid = await ReadInitPidAsync(paths, cancellationToken);
            if (networked)
                await links!.AttachAsync(spec.Id, initPid, spec.Address!, cancellationToken);
            await crun.StartAsync(spec.Id, cancellationToken);
            await WaitForInitExecAsync(initPid, cancellationToken);
        }
        catch
        {
            await crun.DeleteAsync(spec.Id, CancellationToken.None);
            MountStack.Unmount(paths);
            throw;
        }
        LogStarted(spec.Id, clock.Elapsed.TotalMilliseconds);
        return initPid;
    }

    /// <summary>
    /// `crun start` returns once it has released the init, which then still has to execve the
    /// agent; until it has, joining its namespaces (crun exec) fails with EPERM (crun 1.8). A
    /// workspace is reported running only once its init is the agent: a few microseconds.
    /// </summary>
    private async Task WaitForInitExecAsync(int pid, CancellationToken cancellationToken)
    {
        var crunName = Path.GetFileName(options.CrunPath);
        var clock = Stopwatch.StartNew();
        while (ExecutableOf(pid) is { } exe && Path.GetFileName(exe) == crunName)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10))
                throw new RuntimeException("container_start_failed", $"the init ({pid}) did not start the agent within 10 s");
            await Task.Delay(1, cancellationToken);
        }
    }

    private static string? ExecutableOf(int pid)
    {
        try { return File.ResolveLinkTarget($"/proc/{pid}/exe", returnFinalTarget: false)?.FullName; }
        catch (IOException) { return null; } // gone: whoever looks next sees why
    }

    private static async Task<int> ReadInitPidAsync(WorkspacePaths paths, CancellationToken cancellationToken) =>
        int.Parse(await File.ReadAllTextAsync(paths.InitPidFile, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The workspace's own /etc/resolv.conf, bind-mounted read-only (it is on the host's disk, not
    /// the workspace's): the DNS resolver on the gateway. Owned by the workspace's root so it reads
    /// as its own; the mount, not the owner, keeps it from writing.
    /// </summary>
    private static void WriteResolvConf(WorkspacePaths paths, System.Net.IPAddress resolver, long uidBase)
    {
        File.WriteAllText(paths.ResolvConf, $"# written by Hearth: the workspace DNS resolver\nnameserver {resolver}\n");
        if (Interop.Libc.Chown(paths.ResolvConf, (uint)uidBase, (uint)uidBase) != 0)
            throw new RuntimeException("network_failed", $"chown {paths.ResolvConf} failed");
    }

    public async Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        var state = await crun.StateAsync(id, cancellationToken);
        if (state is { Status: ContainerStatus.Paused })
            await crun.ResumeAsync(id, cancellationToken); // a frozen init cannot act on SIGTERM
        if (state is { Status: ContainerStatus.Running or ContainerStatus.Paused })
        {
            await crun.KillAsync(id, "TERM", cancellationToken);
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < grace && await crun.StateAsync(id, cancellationToken) is { Status: ContainerStatus.Running })
                await Task.Delay(20, cancellationToken);
        }
        // delete --force sends SIGKILL to whatever is left and removes the cgroups.
        await crun.DeleteAsync(id, cancellationToken);
        MountStack.Unmount(PathsOf(id));
    }

    /// <summary>
    /// Freezes the workspace and returns only once every task is frozen: `crun pause` can return
    /// while a busy cgroup is still FREEZING. If it does not freeze in time it is thawed again.
    /// </summary>
    public async Task PauseAsync(string id, CancellationToken cancellationToken = default)
    {
        await crun.PauseAsync(id, cancellationToken);
        var deadline = Stopwatch.StartNew();
        while (!cgroups.IsFrozen(id))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                await crun.ResumeAsync(id, CancellationToken.None);
                throw new RuntimeException("pause_failed", $"workspace {id} did not freeze within 10 s; it keeps running");
            }
            await Task.Delay(2, cancellationToken);
        }
    }

    public Task ResumeAsync(string id, CancellationToken cancellationToken = default) => crun.ResumeAsync(id, cancellationToken);

    public Task UpdateLimitsAsync(string id, ResourceLimits limits, CancellationToken cancellationToken = default)
    {
        var memory = (limits.MemoryMb * 1024L * 1024L).ToString();
        List<string> flags =
        [
            $"--cpu-period={OciSpec.CpuPeriodMicros}",
            $"--cpu-quota={limits.Cpus * OciSpec.CpuPeriodMicros}",
            $"--pids-limit={limits.PidsLimit}",
        ];
        // cgroup v1 refuses a memory limit above memory+swap and the reverse, so both move together;
        // crun writes them in the order that works for growing and for shrinking.
        flags.Add($"--memory={memory}");
        if (cgroups.SwapAccounting) flags.Add($"--memory-swap={memory}");
        return crun.UpdateAsync(id, flags, cancellationToken);
    }

    public async Task DestroyAsync(string id, CancellationToken cancellationToken = default)
    {
        var paths = PathsOf(id);
        await crun.DeleteAsync(id, cancellationToken);
        // The kernel removes the veth with the namespace, but lazily: a deleted workspace leaves none.
        if (links is not null)
            await links.DetachAsync(id, cancellationToken);
        MountStack.Unmount(paths);
        File.Delete(paths.Disk);
        if (Directory.Exists(paths.Root))
            Directory.Delete(paths.Root, recursive: true);
        cgroups.RemoveLeftovers(id);
    }

    public long ReadOomKills(string id) => cgroups.OomKills(id);

    public async Task<WorkspaceRuntimeState> InspectAsync(string id, CancellationToken cancellationToken = default)
    {
        var state = await crun.StateAsync(id, cancellationToken);
        return new WorkspaceRuntimeState(state?.Status ?? ContainerStatus.Absent, state?.Pid, cgroups.OomKills(id));
    }

    public async Task<IReadOnlyCollection<string>> ListTracesAsync(CancellationToken cancellationToken = default)
    {
        var ids = new HashSet<string>(await crun.ListAsync(cancellationToken));
        var workspaces = Path.Combine(options.DataDir, "workspaces");
        if (Directory.Exists(workspaces))
            ids.UnionWith(Directory.EnumerateDirectories(workspaces).Select(Path.GetFileName)!);
        if (Directory.Exists(options.DiskPoolDir))
            ids.UnionWith(Directory.EnumerateFiles(options.DiskPoolDir, "*.ext4").Select(Path.GetFileNameWithoutExtension)!);
        return ids;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "workspace {Id} started in {Milliseconds:0.0} ms")]
    private partial void LogStarted(string id, double milliseconds);
}
