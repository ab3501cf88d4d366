using System.Collections.Concurrent;
using System.Diagnostics;
using Hearth.Bench.Host;
using Hearth.Bench.Measurement;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Exec round trip: <c>true</c> run in one running busybox workspace through the runtime gateway
/// (<c>POST /exec</c>, sync; and <c>POST /exec/stream</c> read up to its <c>exit</c> event),
/// next to <c>crun exec</c> of the same command in the same container, in the same run. The
/// sequential series take turns in blocks of <see cref="Block"/>, so that load from elsewhere on
/// the machine falls on all three alike; then N clients at once run their execs back to back,
/// through Hearth and then through crun.
/// </summary>
internal sealed class ExecScenario(HearthdInstance hearthd, BenchOptions options, TextWriter progress) : IAsyncDisposable
{
    /// <summary>The sequential series take turns in blocks of this many execs.</summary>
    public const int Block = 50;
    private const int HealthPerBlock = 10;
    /// <summary>A failed exec is recorded and reported; this many end the run.</summary>
    private const int MaxErrors = 20;
    /// <summary>A warm-up batch with at most this much JIT CPU (one or two kernel ticks) counts as steady.</summary>
    private const double SteadyJitMs = 20;
    private const int WarmupPauseMs = 300;
    private static readonly string[] Command = ["true"];

    private readonly ConcurrentQueue<string> errors = new();
    private readonly List<(double Hearth, double Stream, double Crun)> blockMedians = [];
    private RuntimeGatewayClient? gateway;
    private Crun? crun;
    private string? workspaceId;
    private int agentPid;

    public Samples HearthSequential { get; } = new("Hearth POST /exec (sync), sequential");
    public Samples StreamSequential { get; } = new("Hearth POST /exec/stream to the exit event, sequential");
    public Samples CrunSequential { get; } = new("crun exec, sequential");
    public Samples HearthConcurrent { get; } = new("Hearth POST /exec (sync), concurrent clients");
    public Samples CrunConcurrent { get; } = new("crun exec, concurrent clients");
    /// <summary>The gateway's unauthenticated <c>GET /health</c>, sampled between the blocks: HTTP on a kept-alive connection, nothing else.</summary>
    public Samples GatewayHealth { get; } = new("Hearth gateway GET /health");
    public double HearthConcurrentWallMs { get; private set; } = double.NaN;
    public double CrunConcurrentWallMs { get; private set; } = double.NaN;

    /// <summary>
    /// CPU per exec of the side that does the work: for Hearth, hearthd plus the workspace's
    /// agent (PID 1, with the <c>true</c> it forked and reaped); for crun, the bench process
    /// that spawns it plus the crun it reaped (with its <c>true</c>). The client's own HTTP
    /// work is in neither.
    /// </summary>
    public double HearthCpuMs { get; private set; } = double.NaN;
    public double StreamCpuMs { get; private set; } = double.NaN;
    public double CrunCpuMs { get; private set; } = double.NaN;
    public double HearthConcurrentCpuMs { get; private set; } = double.NaN;
    public double CrunConcurrentCpuMs { get; private set; } = double.NaN;

    /// <summary>Execs of each kind before measuring (<see cref="BenchOptions.ExecWarmup"/>).</summary>
    public int WarmupExecs { get; private set; }
    /// <summary>False when <see cref="BenchOptions.ExecWarmupMax"/> ended the warm-up with hearthd still compiling.</summary>
    public bool WarmupSteady { get; private set; }
    /// <summary>CPU of hearthd's tiered-compilation thread during the warm-up, and during the measured Hearth series.</summary>
    public double JitMsWarmup { get; private set; }
    public double JitMsRun { get; private set; }
    /// <summary>p50 of each sequential block, in order: a drift across the run shows here.</summary>
    public IReadOnlyList<(double Hearth, double Stream, double Crun)> BlockMedians => blockMedians;
    public IReadOnlyCollection<string> Errors => errors;

    /// <summary>Creates the workspace, enables its runtime API and checks that both paths run <c>true</c>; not timed.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        var workspace = await RuntimeWorkspace.CreateAsync(hearthd, cancellationToken);
        (workspaceId, agentPid) = (workspace.Id, workspace.AgentPid);
        var gatewayUrl = workspace.GatewayUrl;
        gateway = new RuntimeGatewayClient(gatewayUrl, workspace.Token, Command);
        crun = new Crun(hearthd.CrunRoot);
        progress.WriteLine($"exec: workspace {workspaceId} (agent pid {agentPid}), gateway {gatewayUrl}");

        await gateway.ExecAsync(cancellationToken);
        await gateway.ExecStreamAsync(cancellationToken);
        await crun.ExecCheckedAsync(workspaceId, Command, cancellationToken);
    }

    /// <summary>
    /// Untimed execs until hearthd has stopped compiling: batches of <see cref="BenchOptions.ExecWarmup"/>
    /// sync and streamed execs and two rounds of the concurrent clients (which also opens their
    /// connections), each followed by a pause, until two batches in a row pass with hearthd's
    /// JIT thread (nearly) idle. Only tier-1 recompiles run on that thread (tier 0 compiles on
    /// the calling thread), so the first batch shows none: one idle batch proves nothing. On
    /// this machine the recompiles take ~1.8 s of CPU over the first ~270 execs of each kind.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        var (http, container) = Ready();
        var steadyBatches = 0;
        // crun needs no JIT, but its binary and libraries come into the page cache.
        for (var i = 0; i < 10; i++)
            await crun!.ExecCheckedAsync(container, Command, cancellationToken);
        while (WarmupExecs < options.ExecWarmupMax)
        {
            var batchStart = Jit();
            for (var i = 0; i < options.ExecWarmup; i++)
            {
                await http.ExecAsync(cancellationToken);
                await http.ExecStreamAsync(cancellationToken);
                await http.HealthAsync(cancellationToken);
            }
            await ClosedLoop.RunAsync(options.ExecClients, 2, () => http.ExecAsync(cancellationToken));
            // Tier-1 recompiles wait until no new method has been compiled for 100 ms
            // (TieredCompilation's delay), which back-to-back requests can keep from happening;
            // the measured series has such pauses (hearthd idles while crun execs run).
            await Task.Delay(WarmupPauseMs, cancellationToken);
            WarmupExecs += options.ExecWarmup;
            var jit = ProcessCpu.ThreadsDeltaMs(batchStart, Jit());
            JitMsWarmup += jit;
            progress.WriteLine($"exec: warm-up {WarmupExecs} execs of each kind, hearthd JIT {jit:0} ms CPU in the last batch");
            steadyBatches = jit <= SteadyJitMs ? steadyBatches + 1 : 0;
            if (steadyBatches < 2) continue;
            WarmupSteady = true;
            break;
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var (http, container) = Ready();
        progress.WriteLine($"exec: {options.ExecSequential} sequential of each (sync, streamed, crun exec), in turns of {Block}");
        double hearthCpu = 0, streamCpu = 0, crunCpu = 0;
        for (var done = 0; done < options.ExecSequential; done += Block)
        {
            var n = Math.Min(Block, options.ExecSequential - done);
            var (hearth, stream, bare) = (new Samples("block"), new Samples("block"), new Samples("block"));
            var jit = Jit();
            hearthCpu += await WithCpuAsync(HearthCpuNowMs, () => RepeatAsync(n, () => TimedAsync(() => http.ExecAsync(cancellationToken), HearthSequential, hearth, cancellationToken)));
            streamCpu += await WithCpuAsync(HearthCpuNowMs, () => RepeatAsync(n, () => TimedAsync(() => http.ExecStreamAsync(cancellationToken), StreamSequential, stream, cancellationToken)));
            crunCpu += await WithCpuAsync(BenchCpuNowMs, () => RepeatAsync(n, () => TimedAsync(() => CrunExecAsync(container, cancellationToken), CrunSequential, bare, cancellationToken)));
            await RepeatAsync(HealthPerBlock, () => TimedAsync(() => http.HealthAsync(cancellationToken), GatewayHealth, null, cancellationToken));
            JitMsRun += ProcessCpu.ThreadsDeltaMs(jit, Jit());
            blockMedians.Add((hearth.P50, stream.P50, bare.P50));
            progress.WriteLine($"exec: {done + n}/{options.ExecSequential}, this block's p50: POST /exec {hearth.P50:0.00}, /exec/stream {stream.P50:0.00}, crun exec {bare.P50:0.00} ms");
        }
        HearthCpuMs = hearthCpu / HearthSequential.Count;
        StreamCpuMs = streamCpu / StreamSequential.Count;
        CrunCpuMs = crunCpu / CrunSequential.Count;

        var total = options.ExecClients * options.ExecPerClient;
        progress.WriteLine($"exec: {options.ExecClients} concurrent clients x {options.ExecPerClient} execs, Hearth then crun exec");
        var jitConcurrent = Jit();
        HearthConcurrentCpuMs = await WithCpuAsync(HearthCpuNowMs, async () =>
            HearthConcurrentWallMs = await ClosedLoop.RunAsync(options.ExecClients, options.ExecPerClient,
                () => TimedAsync(() => http.ExecAsync(cancellationToken), HearthConcurrent, null, cancellationToken))) / total;
        JitMsRun += ProcessCpu.ThreadsDeltaMs(jitConcurrent, Jit());
        CrunConcurrentCpuMs = await WithCpuAsync(BenchCpuNowMs, async () =>
            CrunConcurrentWallMs = await ClosedLoop.RunAsync(options.ExecClients, options.ExecPerClient,
                () => TimedAsync(() => CrunExecAsync(container, cancellationToken), CrunConcurrent, null, cancellationToken))) / total;
    }

    /// <summary>Deletes the workspace (hearthd's own disposal would too, but the bench may go on).</summary>
    public async ValueTask DisposeAsync()
    {
        gateway?.Dispose();
        if (workspaceId is not null)
        {
            try { await hearthd.SendAsync(HttpMethod.Delete, $"/workspace/{workspaceId}"); }
            catch (HttpRequestException e) { progress.WriteLine($"exec: could not delete {workspaceId}: {e.Message}"); }
        }
    }

    private (RuntimeGatewayClient Gateway, string ContainerId) Ready() =>
        gateway is not null && workspaceId is not null ? (gateway, workspaceId) : throw new InvalidOperationException("PrepareAsync first");

    private async Task<TimeSpan> CrunExecAsync(string container, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await crun!.ExecCheckedAsync(container, Command, cancellationToken);
        return clock.Elapsed;
    }

    /// <summary>
    /// Records one operation's round trip in <paramref name="into"/> (and <paramref name="alsoInto"/>);
    /// a failure is kept for the report instead, and only <see cref="MaxErrors"/> of them end the run.
    /// </summary>
    private async Task TimedAsync(Func<Task<TimeSpan>> operation, Samples into, Samples? alsoInto, CancellationToken cancellationToken)
    {
        try
        {
            var elapsed = await operation();
            into.Add(elapsed);
            alsoInto?.Add(elapsed);
        }
        catch (Exception e) when (e is BenchException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            errors.Enqueue($"{into.Name}: {e.GetType().Name}: {e.Message}");
            if (errors.Count > MaxErrors)
                throw new BenchException($"more than {MaxErrors} execs failed; the first: {errors.First()}");
        }
    }

    private static async Task RepeatAsync(int count, Func<Task> operation)
    {
        for (var i = 0; i < count; i++)
            await operation();
    }

    /// <summary>Runs <paramref name="action"/> and returns the CPU ms <paramref name="cpuNow"/> grew by meanwhile.</summary>
    private static async Task<double> WithCpuAsync(Func<double> cpuNow, Func<Task> action)
    {
        var before = cpuNow();
        await action();
        return cpuNow() - before;
    }

    private double HearthCpuNowMs() => ProcessCpu.ReadMs(hearthd.Pid) + ProcessCpu.ReadMs(agentPid);

    private static double BenchCpuNowMs() => ProcessCpu.ReadMs(Environment.ProcessId);

    private IReadOnlyDictionary<int, double> Jit() => ProcessCpu.ReadThreadsByIdMs(hearthd.Pid, ProcessCpu.TieredCompilationThread);
}
