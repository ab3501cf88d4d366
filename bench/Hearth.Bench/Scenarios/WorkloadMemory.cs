using Hearth.Bench.Host;
using Hearth.Bench.Measurement;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// The agent's memory (<see cref="AgentMemory"/> of the workspace's init, PID 1 inside, by its
/// host pid) in one busybox workspace: idle (the baseline), with N workloads running (each a
/// <c>sh</c> loop printing a line a second), right after a burst in which all N write as fast as
/// they can (<c>timeout S yes ...</c>) for S seconds, with its VmRSS sampled every 10 ms during
/// the burst for the peak, and after the workloads are deleted. The agent's own CPU (not its
/// reaped children's) is taken over each stretch.
/// </summary>
internal sealed class WorkloadMemory(HearthdInstance hearthd, RuntimeWorkspace workspace, BenchOptions options, TextWriter progress)
{
    /// <summary>How long each quiet stretch lasts before its reading (the agent settles; the CPU is taken over it).</summary>
    public static readonly TimeSpan Stretch = TimeSpan.FromSeconds(5);
    private readonly WorkloadApi api = new(hearthd);

    public AgentMemory? Idle { get; private set; }
    public AgentMemory? Running { get; private set; }
    public AgentMemory? AfterBurst { get; private set; }
    public AgentMemory? AfterDelete { get; private set; }
    /// <summary>The highest VmRSS during the burst (sampled, and VmHWM), MiB.</summary>
    public double BurstPeakRssMiB { get; private set; } = double.NaN;
    public double IdleCpuMsPerSecond { get; private set; } = double.NaN;
    public double RunningCpuMsPerSecond { get; private set; } = double.NaN;
    public double BurstCpuMsPerSecond { get; private set; } = double.NaN;
    /// <summary>What the workloads' logs took during the burst (their cursors moved by this much), and the lines they could not write.</summary>
    public long BurstLogBytes { get; private set; }
    public long BurstDroppedLines { get; private set; }
    public double BurstWallSeconds { get; private set; } = double.NaN;

    private IEnumerable<string> Names => Enumerable.Range(0, options.WorkloadCount).Select(i => $"tick-{i}");

    /// <summary>
    /// A line a second; when its trigger file appears it removes it and writes as fast as it
    /// can for the burst's seconds (yes(1) through stdio, so 4 KiB writes) before ticking on.
    /// </summary>
    private string Script(int i) =>
        $"while :; do if [ -e /tmp/burst-{i} ]; then rm -f /tmp/burst-{i}; timeout {options.BurstSeconds} yes 'workload {i} bursting: 0123456789abcdefghijklmnopqrstuvwxyz'; fi; " +
        $"echo \"tick {i}\"; sleep 1; done";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var pid = workspace.AgentPid;
        progress.WriteLine($"workloads: agent memory, workspace {workspace.Id} (agent pid {pid}) idle");
        (Idle, IdleCpuMsPerSecond) = await QuietStretchAsync(cancellationToken);

        progress.WriteLine($"workloads: {options.WorkloadCount} workloads printing a line a second");
        foreach (var (name, i) in Names.Select((n, i) => (n, i)))
        {
            var spec = WorkloadApi.ShellSpec(name, Script(i));
            spec["restart_policy"] = "on-failure";
            var status = await api.CreateAsync(workspace.Id, spec, cancellationToken);
            if (status != "running") throw new BenchException($"workload {name} is {status} after its create");
        }
        (Running, RunningCpuMsPerSecond) = await QuietStretchAsync(cancellationToken);

        progress.WriteLine($"workloads: all {options.WorkloadCount} write as fast as they can for {options.BurstSeconds} s");
        var cursors = await LogTotalsAsync(cancellationToken);
        var cpu = ProcessCpu.Read(pid).Own;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sampler = RssSampler.Start(pid);
        try
        {
            var triggers = Enumerable.Range(0, options.WorkloadCount).Select(i => $"/tmp/burst-{i}");
            await new Crun(hearthd.CrunRoot).ExecCheckedAsync(workspace.Id, ["touch", .. triggers], cancellationToken);
            // Each loop sees its trigger within its second of sleep; then the burst, then one more tick.
            await Task.Delay(TimeSpan.FromSeconds(options.BurstSeconds + 2), cancellationToken);
        }
        finally
        {
            BurstPeakRssMiB = sampler.Finish()[0].Peak;
        }
        BurstWallSeconds = clock.Elapsed.TotalSeconds;
        BurstCpuMsPerSecond = (ProcessCpu.Read(pid).Own - cpu) / BurstWallSeconds;
        var after = await LogTotalsAsync(cancellationToken);
        (BurstLogBytes, BurstDroppedLines) = (after.Bytes - cursors.Bytes, after.Dropped - cursors.Dropped);
        (AfterBurst, _) = await QuietStretchAsync(cancellationToken);

        var deleted = await api.DeleteAllAsync(workspace.Id, cancellationToken);
        if (deleted != options.WorkloadCount) throw new BenchException($"DELETE /workloads deleted {deleted}, not {options.WorkloadCount}");
        (AfterDelete, _) = await QuietStretchAsync(cancellationToken);
        progress.WriteLine($"workloads: agent VmRSS idle {Idle.RssMiB:0.0}, running {Running.RssMiB:0.0}, burst peak {BurstPeakRssMiB:0.0}, " +
            $"after {AfterBurst.RssMiB:0.0}, deleted {AfterDelete.RssMiB:0.0} MiB; the burst wrote {BurstLogBytes / 1048576.0:0} MiB of log");
    }

    /// <summary>Waits <see cref="Stretch"/>, then reads the memory; the agent's own CPU over the stretch, ms per second.</summary>
    private async Task<(AgentMemory, double)> QuietStretchAsync(CancellationToken cancellationToken)
    {
        var cpu = ProcessCpu.Read(workspace.AgentPid).Own;
        await Task.Delay(Stretch, cancellationToken);
        var cpuPerSecond = (ProcessCpu.Read(workspace.AgentPid).Own - cpu) / Stretch.TotalSeconds;
        return (AgentMemory.Read(workspace.AgentPid), cpuPerSecond);
    }

    private async Task<(long Bytes, long Dropped)> LogTotalsAsync(CancellationToken cancellationToken)
    {
        long bytes = 0, dropped = 0;
        foreach (var name in Names)
        {
            var (next, lost) = await api.LogConfigAsync(workspace.Id, name, cancellationToken);
            (bytes, dropped) = (bytes + next, dropped + lost);
        }
        return (bytes, dropped);
    }
}
