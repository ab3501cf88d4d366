using Hearth.Bench.Host;
using Hearth.Bench.Reporting;
using Hearth.Bench.Scenarios;
using Hearth.Testing;

namespace Hearth.Bench;

/// <summary>
/// One bench run: the selected scenarios (<see cref="BenchScenario"/>), each Hearth through a
/// hearthd of its own next to a crun baseline, all on the same machine in the same minutes.
/// Whatever happens, the workspaces are deleted, hearthd is stopped (by its PID) and the
/// scratch state is removed.
/// </summary>
internal static class BenchRun
{
    /// <summary>Lets CrunDriver log each start's duration without turning on any other debug output.</summary>
    private const string DriverLogLevel = "Logging__LogLevel__Hearth.Runtime.Containers.CrunDriver";

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var progress = Console.Error;
        var machine = await MachineInfo.ReadAsync(cancellationToken);
        await using var scratch = Scratch.Create();
        HearthdInstance? hearthd = null;
        try
        {
            Environment.SetEnvironmentVariable(DriverLogLevel, "Debug");
            // images runs on a hearthd of its own (an empty image cache); the others share one.
            if (options.Scenarios.Any(s => s != BenchScenario.Images))
            {
                progress.WriteLine($"bench: starting hearthd (images in {options.ImagesDir}; busybox is built there on first use)");
                // The later --images-dir wins over the test image cache HearthdInstance names.
                hearthd = await HearthdInstance.StartAsync("--images-dir", options.ImagesDir);
                progress.WriteLine($"bench: hearthd pid {hearthd.Pid} on {hearthd.ApiUrl}, data dir {hearthd.DataDir}");
            }

            var sections = new List<string>();
            if (options.Scenarios.Contains(BenchScenario.Create))
                sections.Add(await RunCreateAsync(hearthd!, scratch, options, progress, cancellationToken));
            if (options.Scenarios.Contains(BenchScenario.Exec))
                sections.Add(await RunExecAsync(hearthd!, options, progress, cancellationToken));
            if (options.Scenarios.Contains(BenchScenario.Files))
                sections.Add(await RunFilesAsync(hearthd!, options, progress, cancellationToken));
            if (options.Scenarios.Contains(BenchScenario.Network))
                sections.Add(await RunNetworkAsync(hearthd!, scratch, options, progress, cancellationToken));
            if (options.Scenarios.Contains(BenchScenario.Workloads))
                sections.Add(await RunWorkloadsAsync(hearthd!, options, progress, cancellationToken));
            if (options.Scenarios.Contains(BenchScenario.Images))
                sections.Add(await RunImagesAsync(options, progress, cancellationToken));

            var report = Report.Render(machine, await MachineInfo.LoadAverageAsync(cancellationToken), sections);
            Console.WriteLine(report);
            if (options.ReportPath is { } path)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, report, CancellationToken.None);
                progress.WriteLine($"bench: report written to {path}");
            }
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception e)
        {
            progress.WriteLine($"bench: FAILED: {e.Message}");
            if (hearthd is not null)
                progress.WriteLine("hearthd log, last lines:\n" + string.Join('\n', hearthd.ReadLog().Split('\n').TakeLast(30)));
            return 1;
        }
        finally
        {
            if (hearthd is not null)
            {
                progress.WriteLine($"bench: deleting the workspaces left in hearthd, stopping pid {hearthd.Pid}, removing {hearthd.DataDir}");
                await hearthd.DisposeAsync();
            }
            progress.WriteLine($"bench: removing {scratch.Root}, its containers, mounts and cgroups");
        }
    }

    /// <summary>
    /// Create: warm-up, Hearth's creates, deletes and lifecycle ops, the two crun baselines and
    /// the by-hand breakdown.
    /// </summary>
    private static async Task<string> RunCreateAsync(HearthdInstance hearthd, Scratch scratch, BenchOptions options, TextWriter progress,
        CancellationToken cancellationToken)
    {
        var hearth = new HearthScenario(hearthd, options, progress);
        progress.WriteLine($"bench: warm-up, {options.Warmup} to {options.WarmupMax} creates and deletes, until hearthd's JIT is idle");
        await hearth.WarmUpAsync(cancellationToken);
        await hearth.RunAsync(cancellationToken);

        var imageRootfs = await BusyboxRootfs.ResolveAsync(hearthd, options.ImagesDir, cancellationToken);
        var bare = new CrunBaseline(scratch, imageRootfs, BaselineFlavor.Bare);
        var userns = new CrunBaseline(scratch, imageRootfs, BaselineFlavor.UsernsCgroups);
        foreach (var baseline in new[] { bare, userns })
        {
            progress.WriteLine($"bench: baseline {baseline.Figures.System}");
            await baseline.PrepareAsync(cancellationToken);
            await baseline.RunAsync(options, cancellationToken);
            await baseline.RunPacedAsync(options.Paced, options.PaceMs, cancellationToken);
        }

        progress.WriteLine($"bench: breakdown, hearthd's create steps by hand x{options.BreakdownRuns}");
        using var breakdown = new CreateBreakdown(scratch, imageRootfs,
            hearth.SampleConfigJson ?? throw new BenchException("no workspace config was captured"),
            Path.Combine(hearthd.DataDir, "agent", "current"));
        await breakdown.PrepareAsync(cancellationToken);
        await breakdown.RunAsync(options.BreakdownRuns, hearth.CreateAndDeleteOnceAsync, cancellationToken);
        await breakdown.ProbeCgroupAttachAsync(options.BreakdownRuns, options.PaceMs, cancellationToken);
        return CreateReport.Render(options, hearth, bare, userns, breakdown);
    }

    /// <summary>
    /// Images: a hearthd of its own on an empty image cache (<see cref="BenchOptions.ColdImagesDir"/>,
    /// nothing prebuilt) builds the catalogue cold, then creates from each cached image and from
    /// imported images of 1, 8 and 32 layers. The cache is deleted afterwards unless
    /// <see cref="BenchOptions.KeepImages"/>, also after a failure.
    /// </summary>
    private static async Task<string> RunImagesAsync(BenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        var cold = options.ColdImagesDir;
        await RemoveTreeAsync(cold, progress);
        Directory.CreateDirectory(cold);
        HearthdInstance? hearthd = null;
        try
        {
            progress.WriteLine($"bench: starting hearthd for images (empty image cache {cold}, nothing prebuilt)");
            // The later flags win over HearthdInstance's test image cache and its busybox prebuild.
            hearthd = await HearthdInstance.StartAsync("--images-dir", cold, "--prebuild-images=");
            progress.WriteLine($"bench: hearthd pid {hearthd.Pid} on {hearthd.ApiUrl}, data dir {hearthd.DataDir}");
            using var images = new ImagesScenario(hearthd, options, progress);
            await images.BuildCatalogueAsync(cancellationToken);
            await images.RunCreatesAsync(cancellationToken);
            await images.RunLayerCountAsync(cancellationToken);
            return ImagesReport.Render(options, images);
        }
        catch (Exception e) when (e is not OperationCanceledException && hearthd is not null)
        {
            progress.WriteLine("images: hearthd log, last lines:\n" + string.Join('\n', hearthd.ReadLog().Split('\n').TakeLast(30)));
            throw;
        }
        finally
        {
            if (hearthd is not null)
            {
                progress.WriteLine($"bench: deleting the workspaces left in the images hearthd, stopping pid {hearthd.Pid}, removing {hearthd.DataDir}");
                await hearthd.DisposeAsync();
            }
            if (options.KeepImages) progress.WriteLine($"bench: keeping the image cache {cold} (--keep-images)");
            else await RemoveTreeAsync(cold, progress);
        }
    }

    /// <summary>
    /// <c>rm -rf --one-file-system</c>: layer trees hold whole root file systems (absolute
    /// symlinks into /usr, /etc), which nothing here may follow.
    /// </summary>
    private static async Task RemoveTreeAsync(string dir, TextWriter progress)
    {
        if (!Directory.Exists(dir)) return;
        progress.WriteLine($"bench: removing {dir}");
        var removed = await HostProcess.RunAsync("rm", ["-rf", "--one-file-system", "--", dir]);
        if (!removed.Succeeded) progress.WriteLine($"bench: could not remove {dir}: {removed.StandardError.Trim()}");
    }

    /// <summary>Exec: one workspace, <c>true</c> through the runtime gateway (sync and streamed) against <c>crun exec</c>.</summary>
    private static async Task<string> RunExecAsync(HearthdInstance hearthd, BenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        progress.WriteLine($"bench: exec, {options.ExecWarmup} to {options.ExecWarmupMax} warm-up execs, until hearthd's JIT is idle");
        await using var exec = new ExecScenario(hearthd, options, progress);
        await exec.PrepareAsync(cancellationToken);
        await exec.WarmUpAsync(cancellationToken);
        await exec.RunAsync(cancellationToken);
        return ExecReport.Render(options, exec);
    }

    /// <summary>
    /// Files: one workspace, 4 KiB and 64 MiB written and read back through the runtime gateway
    /// against <c>crun exec</c> with <c>cat</c>; every path's bytes are compared before timing.
    /// </summary>
    private static async Task<string> RunFilesAsync(HearthdInstance hearthd, BenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        await using var files = new FilesScenario(hearthd, options, progress);
        await files.PrepareAsync(cancellationToken);
        await files.VerifyAsync(cancellationToken);
        progress.WriteLine($"bench: files, {options.FilesWarmup} to {options.FilesWarmupMax} warm-up 4 KiB writes and reads, until hearthd's JIT is idle");
        await files.WarmUpAsync(cancellationToken);
        await files.RunAsync(cancellationToken);
        return FilesReport.Render(options, files);
    }

    /// <summary>
    /// Workloads: the agent's memory with N workloads and after a burst of their output, then
    /// log-stream latency and SSE throughput against the exec stream and a crun exec pipe.
    /// </summary>
    private static async Task<string> RunWorkloadsAsync(HearthdInstance hearthd, BenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        await using var workloads = new WorkloadsScenario(hearthd, options, progress);
        await workloads.RunAsync(cancellationToken);
        return WorkloadsReport.Render(options, workloads);
    }

    /// <summary>
    /// Network: the network steps of creates by hand next to API creates, TCP between two
    /// workspaces against a plain veth pair, PATCH to effect, and firewall updates with N
    /// workspaces' rules loaded against none. hearthd is warmed up first unless create ran.
    /// </summary>
    private static async Task<string> RunNetworkAsync(HearthdInstance hearthd, Scratch scratch, BenchOptions options, TextWriter progress,
        CancellationToken cancellationToken)
    {
        var load = await MachineInfo.LoadAverageAsync(cancellationToken);
        await using var network = new NetworkScenario(hearthd, scratch, options, progress);
        await network.RunSetupAsync(warm: options.Scenarios.Contains(BenchScenario.Create), cancellationToken);
        await network.RunTcpAsync(cancellationToken);
        await network.RunRulesAsync(cancellationToken);
        return NetworkReport.Render(options, network, load, await MachineInfo.LoadAverageAsync(cancellationToken));
    }
}
