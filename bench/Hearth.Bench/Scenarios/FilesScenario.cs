using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Hearth.Bench.Host;
using Hearth.Bench.Measurement;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Files: a file of 4 KiB and one of 64 MiB written and read back in one running busybox
/// workspace through the runtime gateway (<c>POST /files/write</c>, <c>GET /files/read</c>;
/// for 64 MiB also <c>/files/transfer/upload</c> and <c>/download</c>), next to the same bytes
/// through <c>crun exec</c> (<c>cat &gt; FILE</c> with the bytes on stdin, <c>cat FILE</c>) in
/// the same container, in the same run. Before anything is timed, every path's bytes are read
/// back and compared with what was written, so a broken path cannot pass as a fast one. The
/// 4 KiB series take turns in blocks of <see cref="Block"/>; each 64 MiB run does every series once.
/// </summary>
internal sealed class FilesScenario(HearthdInstance hearthd, BenchOptions options, TextWriter progress) : IAsyncDisposable
{
    public const int SmallSize = 4 * 1024;
    public const int LargeSize = 64 * 1024 * 1024;
    /// <summary>The 4 KiB series take turns in blocks of this many operations.</summary>
    public const int Block = 50;
    /// <summary>Untimed 64 MiB rounds after the verification round (which is untimed too).</summary>
    public const int LargeWarmupRounds = 1;
    private const int MaxErrors = 20;
    /// <summary>A warm-up batch with at most this much JIT CPU (one or two kernel ticks) counts as steady.</summary>
    private const double SteadyJitMs = 20;
    private const int WarmupPauseMs = 300;
    /// <summary>The largest reply read: 64 MiB as base64 in the read document is ~85.4 MiB; a download is ~64 MiB.</summary>
    private const int ReplyBufferSize = 96 * 1024 * 1024;

    private readonly ConcurrentQueue<string> errors = new();
    private readonly List<double[]> smallBlockMedians = [];
    private FilesGatewayClient? gateway;
    private Crun? crun;
    private string? workspaceId;
    private int agentPid;
    private byte[] replies = [];

    public FileSizeSeries Small { get; } = new("4 KiB", "4k", SmallSize, transfers: false, seed: 4);
    public FileSizeSeries Large { get; } = new("64 MiB", "64m", LargeSize, transfers: true, seed: 64);

    /// <summary>What the verification round compared, one line per path, for the report.</summary>
    public IReadOnlyList<string> Verified => verified;
    private readonly List<string> verified = [];

    /// <summary>4 KiB writes and reads (each) through Hearth before measuring.</summary>
    public int WarmupOperations { get; private set; }
    /// <summary>False when <see cref="BenchOptions.FilesWarmupMax"/> ended the warm-up with hearthd still compiling.</summary>
    public bool WarmupSteady { get; private set; }
    /// <summary>CPU of hearthd's tiered-compilation thread during the warm-up, and during the measured series.</summary>
    public double JitMsWarmup { get; private set; }
    public double JitMsRun { get; private set; }
    /// <summary>p50 of each 4 KiB block, in order, one value per series of <see cref="SmallBlockSeries"/>.</summary>
    public IReadOnlyList<double[]> SmallBlockMedians => smallBlockMedians;
    public IReadOnlyList<SeriesWithCpu> SmallBlockSeries =>
        [Small.HearthWrite, Small.HearthRead, Small.CrunWrite, Small.CrunRead, Small.CrunSyncWrite];
    /// <summary>False when hearthd's or the agent's peak memory could not be reset (the peak is then since it started).</summary>
    public bool PeaksReset { get; private set; } = true;
    public IReadOnlyCollection<string> Errors => errors;
    /// <summary>
    /// VmRSS (MiB) before the verification round, its peak during it and after it, for hearthd
    /// and the agent: the first 64 MiB operations of this workspace (and, run alone, of hearthd).
    /// </summary>
    public (double Before, double Peak, double After) VerifyHearthdMemory { get; private set; } = (double.NaN, double.NaN, double.NaN);
    public (double Before, double Peak, double After) VerifyAgentMemory { get; private set; } = (double.NaN, double.NaN, double.NaN);

    /// <summary>Creates the workspace, enables its runtime API and makes <c>/bench</c> in it; not timed.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        var workspace = await RuntimeWorkspace.CreateAsync(hearthd, cancellationToken);
        (workspaceId, agentPid) = (workspace.Id, workspace.AgentPid);
        var gatewayUrl = workspace.GatewayUrl;
        gateway = new FilesGatewayClient(gatewayUrl, workspace.Token);
        crun = new Crun(hearthd.CrunRoot);
        await crun.ExecCheckedAsync(workspaceId, ["mkdir", "-p", FileSizeSeries.Directory], cancellationToken);
        replies = GC.AllocateUninitializedArray<byte>(ReplyBufferSize);
        progress.WriteLine($"files: workspace {workspaceId} (agent pid {agentPid}), gateway {gatewayUrl}");
    }

    /// <summary>
    /// Once per size and path, untimed: write, read back, compare with the bytes written
    /// (Hearth write/read, upload/download for 64 MiB, crun's cat and its durable variant, and
    /// Hearth reading crun's file, so both sides are seen to work on the same file system).
    /// </summary>
    public async Task VerifyAsync(CancellationToken cancellationToken = default)
    {
        var (http, container) = Ready();
        using var memory = StartMemory();
        foreach (var size in new[] { Small, Large })
        {
            progress.WriteLine($"files: verifying {size.Label} on every path");
            await http.WriteAsync(size.WriteBody, size.Size, cancellationToken);
            var (_, replyLength) = await http.ReadAsync(size.HearthPath, size.Size, replies, cancellationToken);
            size.ReadReplyBytes = replyLength;
            Compare(size, $"POST /files/write then GET /files/read of {size.HearthPath}", FilesGatewayClient.ReadContent(replies.AsMemory(0, replyLength)));

            await crun!.ExecWithInputAsync(container, CrunWriteCommand(size.CrunPath), size.Content, cancellationToken);
            Compare(size, $"crun exec cat > then cat of {size.CrunPath}", replies.AsSpan(0, await crun.ExecReadAsync(container, ["cat", size.CrunPath], replies, cancellationToken)).ToArray());
            await crun.ExecWithInputAsync(container, CrunSyncWriteCommand(size.CrunSyncPath), size.Content, cancellationToken);
            Compare(size, $"crun exec cat + fsync + rename then cat of {size.CrunSyncPath}", replies.AsSpan(0, await crun.ExecReadAsync(container, ["cat", size.CrunSyncPath], replies, cancellationToken)).ToArray());
            (_, replyLength) = await http.ReadAsync(size.CrunPath, size.Size, replies, cancellationToken);
            Compare(size, $"GET /files/read of crun's {size.CrunPath}", FilesGatewayClient.ReadContent(replies.AsMemory(0, replyLength)));

            if (size.Archive is { } archive)
            {
                await http.UploadAsync(FileSizeSeries.UploadDirectory, archive, 1, cancellationToken);
                var (_, length) = await http.DownloadAsync(size.UploadedPath, replies, cancellationToken);
                size.DownloadBytes = length;
                var (name, content) = FileArchive.SingleFile(replies.AsMemory(0, length));
                if (name != size.UploadName)
                    throw new BenchException($"the download of {size.UploadedPath} holds '{name}', not '{size.UploadName}'");
                Compare(size, $"POST /files/transfer/upload then /download of {size.UploadedPath}", content);
            }
        }
        (VerifyHearthdMemory, VerifyAgentMemory) = EndMemory(memory);
    }

    /// <summary>
    /// Untimed operations until hearthd has stopped compiling, as the exec scenario does:
    /// batches of <see cref="BenchOptions.FilesWarmup"/> 4 KiB writes and reads through Hearth,
    /// each followed by a pause, until two batches in a row pass with hearthd's JIT thread
    /// (nearly) idle; then <see cref="LargeWarmupRounds"/> untimed 64 MiB round(s) of every series.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        Ready();
        // crun needs no JIT, but its binary, busybox and the pipes' pages come in.
        for (var i = 0; i < 10; i++)
        {
            await CrunWriteAsync(Small, cancellationToken);
            await CrunReadAsync(Small, cancellationToken);
        }

        var steadyBatches = 0;
        while (WarmupOperations < options.FilesWarmupMax)
        {
            var batchStart = Jit();
            for (var i = 0; i < options.FilesWarmup; i++)
            {
                await HearthWriteAsync(Small, cancellationToken);
                await HearthReadAsync(Small, cancellationToken);
            }
            await Task.Delay(WarmupPauseMs, cancellationToken);
            WarmupOperations += options.FilesWarmup;
            var jit = ProcessCpu.ThreadsDeltaMs(batchStart, Jit());
            JitMsWarmup += jit;
            progress.WriteLine($"files: warm-up {WarmupOperations} 4 KiB writes and reads, hearthd JIT {jit:0} ms CPU in the last batch");
            steadyBatches = jit <= SteadyJitMs ? steadyBatches + 1 : 0;
            if (steadyBatches < 2) continue;
            WarmupSteady = true;
            break;
        }

        for (var round = 0; round < LargeWarmupRounds; round++)
        {
            var jit = Jit();
            foreach (var operation in LargeOperations())
            {
                await operation.Run(cancellationToken);
                await SyncWorkspaceAsync(cancellationToken);
            }
            await Task.Delay(WarmupPauseMs, cancellationToken);
            JitMsWarmup += ProcessCpu.ThreadsDeltaMs(jit, Jit());
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        Ready();
        progress.WriteLine($"files: {options.FilesSmall} sequential 4 KiB writes and reads of each series, in turns of {Block}");
        using (var memory = StartMemory())
        {
            await RunSmallAsync(cancellationToken);
            (Small.HearthdMemory, Small.AgentMemory) = EndMemory(memory);
        }

        progress.WriteLine($"files: {options.FilesLarge} runs of each 64 MiB series");
        using (var memory = StartMemory())
        {
            await RunLargeAsync(cancellationToken);
            (Large.HearthdMemory, Large.AgentMemory) = EndMemory(memory);
        }
    }

    /// <summary>The 4 KiB series, taking turns in blocks of <see cref="Block"/>.</summary>
    private async Task RunSmallAsync(CancellationToken cancellationToken)
    {
        for (var done = 0; done < options.FilesSmall; done += Block)
        {
            var n = Math.Min(Block, options.FilesSmall - done);
            var jit = Jit();
            var medians = new List<double>();
            foreach (var (series, run, cpuNow) in SmallOperations())
            {
                var block = new Samples("block");
                series.AddCpu(await WithCpuAsync(cpuNow, async () =>
                {
                    for (var i = 0; i < n; i++)
                        await TimedAsync(() => run(cancellationToken), series, block, cancellationToken);
                }));
                medians.Add(block.P50);
            }
            JitMsRun += ProcessCpu.ThreadsDeltaMs(jit, Jit());
            smallBlockMedians.Add([.. medians]);
            progress.WriteLine($"files: 4 KiB {done + n}/{options.FilesSmall}, this block's p50 (ms): " +
                string.Join(", ", SmallBlockSeries.Select((s, i) => $"{Short(s)} {medians[i]:0.00}")));
        }
    }

    /// <summary>The 64 MiB runs, each doing every series once, with the workspace's file system synced (untimed) after each operation.</summary>
    private async Task RunLargeAsync(CancellationToken cancellationToken)
    {
        for (var run = 1; run <= options.FilesLarge; run++)
        {
            var jit = Jit();
            var line = new List<string>();
            foreach (var operation in LargeOperations())
            {
                var single = new Samples("run");
                operation.Series.AddCpu(await WithCpuAsync(operation.CpuNow,
                    () => TimedAsync(() => operation.Run(cancellationToken), operation.Series, single, cancellationToken)));
                line.Add($"{Short(operation.Series)} {single.P50:0}");
                await SyncWorkspaceAsync(cancellationToken);
            }
            JitMsRun += ProcessCpu.ThreadsDeltaMs(jit, Jit());
            progress.WriteLine($"files: 64 MiB run {run}/{options.FilesLarge} (ms): {string.Join(", ", line)}");
        }
    }

    /// <summary>Deletes the workspace (hearthd's own disposal would too, but the bench may go on).</summary>
    public async ValueTask DisposeAsync()
    {
        gateway?.Dispose();
        if (workspaceId is not null)
        {
            try { await hearthd.SendAsync(HttpMethod.Delete, $"/workspace/{workspaceId}"); }
            catch (HttpRequestException e) { progress.WriteLine($"files: could not delete {workspaceId}: {e.Message}"); }
        }
    }

    /// <summary>The 4 KiB series in the order each block runs them (write before read, Hearth before crun), with whose CPU each is charged to.</summary>
    private IEnumerable<(SeriesWithCpu Series, Func<CancellationToken, Task<TimeSpan>> Run, Func<(double, double)> CpuNow)> SmallOperations() =>
    [
        (Small.HearthWrite, ct => HearthWriteAsync(Small, ct), HearthCpuNowMs),
        (Small.HearthRead, ct => HearthReadAsync(Small, ct), HearthCpuNowMs),
        (Small.CrunWrite, ct => CrunWriteAsync(Small, ct), CrunCpuNowMs),
        (Small.CrunRead, ct => CrunReadAsync(Small, ct), CrunCpuNowMs),
        (Small.CrunSyncWrite, ct => CrunSyncWriteAsync(Small, ct), CrunCpuNowMs),
    ];

    /// <summary>One 64 MiB run: every series once, each write before its read.</summary>
    private IEnumerable<(SeriesWithCpu Series, Func<CancellationToken, Task<TimeSpan>> Run, Func<(double, double)> CpuNow)> LargeOperations() =>
    [
        (Large.HearthWrite, ct => HearthWriteAsync(Large, ct), HearthCpuNowMs),
        (Large.HearthRead, ct => HearthReadAsync(Large, ct), HearthCpuNowMs),
        (Large.Upload!, ct => Ready().Gateway.UploadAsync(FileSizeSeries.UploadDirectory, Large.Archive!, 1, ct), HearthCpuNowMs),
        (Large.Download!, ct => DownloadAsync(Large, ct), HearthCpuNowMs),
        (Large.CrunWrite, ct => CrunWriteAsync(Large, ct), CrunCpuNowMs),
        (Large.CrunRead, ct => CrunReadAsync(Large, ct), CrunCpuNowMs),
        (Large.CrunSyncWrite, ct => CrunSyncWriteAsync(Large, ct), CrunCpuNowMs),
    ];

    private Task<TimeSpan> HearthWriteAsync(FileSizeSeries size, CancellationToken cancellationToken) =>
        Ready().Gateway.WriteAsync(size.WriteBody, size.Size, cancellationToken);

    private async Task<TimeSpan> HearthReadAsync(FileSizeSeries size, CancellationToken cancellationToken) =>
        (await Ready().Gateway.ReadAsync(size.HearthPath, size.Size, replies, cancellationToken)).Elapsed;

    /// <summary>The archive's length is not checked here: gzip's output depends on the agent's zlib, and the content was compared in the verification round.</summary>
    private async Task<TimeSpan> DownloadAsync(FileSizeSeries size, CancellationToken cancellationToken) =>
        (await Ready().Gateway.DownloadAsync(size.UploadedPath, replies, cancellationToken)).Elapsed;

    private async Task<TimeSpan> CrunWriteAsync(FileSizeSeries size, CancellationToken cancellationToken)
    {
        var container = Ready().ContainerId;
        var clock = Stopwatch.StartNew();
        await crun!.ExecWithInputAsync(container, CrunWriteCommand(size.CrunPath), size.Content, cancellationToken);
        return clock.Elapsed;
    }

    private async Task<TimeSpan> CrunSyncWriteAsync(FileSizeSeries size, CancellationToken cancellationToken)
    {
        var container = Ready().ContainerId;
        var clock = Stopwatch.StartNew();
        await crun!.ExecWithInputAsync(container, CrunSyncWriteCommand(size.CrunSyncPath), size.Content, cancellationToken);
        return clock.Elapsed;
    }

    private async Task<TimeSpan> CrunReadAsync(FileSizeSeries size, CancellationToken cancellationToken)
    {
        var container = Ready().ContainerId;
        var clock = Stopwatch.StartNew();
        var length = await crun!.ExecReadAsync(container, ["cat", size.CrunPath], replies, cancellationToken);
        var elapsed = clock.Elapsed;
        if (length != size.Size)
            throw new BenchException($"crun exec cat {size.CrunPath}: {length} bytes, expected {size.Size}");
        return elapsed;
    }

    private static string[] CrunWriteCommand(string path) => ["sh", "-c", $"cat > {path}"];

    /// <summary>
    /// What hearthd's write does for durability (runtime-files.md, "Atomic replace"): a
    /// temporary file beside the target, fsync'd, renamed over it, then the directory fsync'd.
    /// busybox sync(1) with file operands fsyncs each of them.
    /// </summary>
    private static string[] CrunSyncWriteCommand(string path) =>
        ["sh", "-c", $"cat > {path}.tmp && sync {path}.tmp && mv {path}.tmp {path} && sync {FileSizeSeries.Directory}"];

    private void Compare(FileSizeSeries size, string what, byte[] readBack)
    {
        if (!readBack.AsSpan().SequenceEqual(size.Content))
        {
            var common = Math.Min(readBack.Length, size.Content.Length);
            var at = readBack.AsSpan(0, common).CommonPrefixLength(size.Content.AsSpan(0, common));
            throw new BenchException($"{what}: {readBack.Length} bytes read back for {size.Content.Length} written, the first difference at byte {at}");
        }
        verified.Add($"{size.Label}: {what}");
    }

    private (FilesGatewayClient Gateway, string ContainerId) Ready() =>
        gateway is not null && workspaceId is not null ? (gateway, workspaceId) : throw new InvalidOperationException("PrepareAsync first");

    /// <summary>
    /// Records one operation's round trip in <paramref name="into"/> and <paramref name="alsoInto"/>;
    /// a failure is kept for the report instead, and only <see cref="MaxErrors"/> of them end the run.
    /// </summary>
    private async Task TimedAsync(Func<Task<TimeSpan>> operation, SeriesWithCpu into, Samples alsoInto, CancellationToken cancellationToken)
    {
        try
        {
            var elapsed = await operation();
            into.Samples.Add(elapsed);
            alsoInto.Add(elapsed);
        }
        catch (Exception e) when (e is BenchException or HttpRequestException or JsonException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            errors.Enqueue($"{into.Name}: {e.GetType().Name}: {e.Message}");
            progress.WriteLine($"files: FAILED {into.Name}: {e.Message}");
            if (errors.Count > MaxErrors)
                throw new BenchException($"more than {MaxErrors} file operations failed; the first: {errors.First()}");
        }
    }

    /// <summary>Runs <paramref name="action"/> and returns the CPU ms <paramref name="cpuNow"/> grew by meanwhile, in all and its part kept apart.</summary>
    private static async Task<(double Total, double Part)> WithCpuAsync(Func<(double Total, double Part)> cpuNow, Func<Task> action)
    {
        var before = cpuNow();
        await action();
        var after = cpuNow();
        return (after.Total - before.Total, after.Part - before.Part);
    }

    /// <summary>
    /// hearthd and the workspace's agent (PID 1, which does the file system work): the side that
    /// serves Hearth's calls; the agent's part kept apart.
    /// </summary>
    private (double Total, double Part) HearthCpuNowMs()
    {
        var agent = ProcessCpu.ReadMs(agentPid);
        return (ProcessCpu.ReadMs(hearthd.Pid) + agent, agent);
    }

    /// <summary>
    /// The crun processes the bench has reaped, with the sh, cat and sync they ran in the
    /// container; the bench's own share (spawning, the pipe copies) is left out, as the HTTP
    /// client's is for Hearth.
    /// </summary>
    private static (double Total, double Part) CrunCpuNowMs()
    {
        var (own, total) = ProcessCpu.Read(Environment.ProcessId);
        return (total - own, 0);
    }

    /// <summary>Starts following hearthd's and the agent's memory (in that order) for one part of the run.</summary>
    private RssSampler StartMemory() => RssSampler.Start(hearthd.Pid, agentPid);

    private ((double, double, double) Hearthd, (double, double, double) Agent) EndMemory(RssSampler sampler)
    {
        PeaksReset &= sampler.ResetWorked;
        var memory = sampler.Finish();
        return (memory[0], memory[1]);
    }

    /// <summary>
    /// Untimed, after each 64 MiB operation: syncfs(2) of the workspace's file system, so that
    /// the next operation does not pay for this one's writeback (a plain <c>cat &gt;</c> leaves
    /// 64 MiB dirty; an fsync that follows can end up waiting for it).
    /// </summary>
    private Task SyncWorkspaceAsync(CancellationToken cancellationToken) =>
        crun!.ExecCheckedAsync(Ready().ContainerId, ["sync", "-f", FileSizeSeries.Directory], cancellationToken);

    /// <summary>The series' name up to its first comma, for progress lines.</summary>
    private static string Short(SeriesWithCpu series) => series.Name.Split(',')[0];

    private IReadOnlyDictionary<int, double> Jit() => ProcessCpu.ReadThreadsByIdMs(hearthd.Pid, ProcessCpu.TieredCompilationThread);
}
