using System.Net;
using System.Text.RegularExpressions;
using Hearth.Bench.Measurement;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Hearth through its API, the way a client sees it: every figure is one HTTP round trip to a
/// real published hearthd, measured in the bench process.
/// </summary>
internal sealed partial class HearthScenario(HearthdInstance hearthd, BenchOptions options, TextWriter progress)
{
    private const string CreateBody = """{"image":"busybox"}""";
    private readonly List<string> sequential = [];
    private readonly List<string> concurrent = [];

    public LifecycleFigures Figures { get; } = new("Hearth");
    public Samples Pause { get; } = new("pause");
    public Samples Resume { get; } = new("resume");
    public Samples Stop { get; } = new("stop");
    public Samples Start { get; } = new("start");
    /// <summary>Unauthenticated <c>GET /health</c>: HTTP and routing, no store.</summary>
    public Samples Health { get; } = new("GET /health");
    /// <summary>Authenticated <c>GET /workspace/:id</c>: auth (cached key), one store read, the JSON reply.</summary>
    public Samples GetWorkspace { get; } = new("GET /workspace/:id");
    /// <summary>hearthd's own "workspace X started in N ms" (CrunDriver.StartAsync, after the disk exists) for the sequential creates.</summary>
    public Samples DriverStartFromLog { get; } = new("CrunDriver.StartAsync (hearthd debug log)");
    /// <summary>The same for the concurrent burst: how much of a burst request's time is inside the driver.</summary>
    public Samples DriverStartConcurrentFromLog { get; } = new("CrunDriver.StartAsync, concurrent (hearthd debug log)");

    /// <summary>API creates and deletes made one by one between the breakdown's by-hand runs, so both see the same machine.</summary>
    public Samples InterleavedCreate { get; } = new("Hearth create, interleaved with the breakdown");
    public Samples InterleavedDelete { get; } = new("Hearth delete, interleaved with the breakdown");

    /// <summary>A live workspace's rendered config.json, captured for the breakdown.</summary>
    public string? SampleConfigJson { get; private set; }

    /// <summary>The first creates after hearthd started (JIT still compiling), from the warm-up.</summary>
    public Samples FreshCreate { get; } = new("Hearth create, first 20 after hearthd started");
    public int WarmupCycles { get; private set; }
    /// <summary>CPU of hearthd's tiered-compilation thread during the warm-up and during the measured run.</summary>
    public double JitMsWarmup { get; private set; }
    public double JitMsRun { get; private set; }

    private const string JitThread = ProcessCpu.TieredCompilationThread;
    private const int WarmupBatch = 20;
    /// <summary>A batch with at most this much JIT CPU (one or two kernel ticks) counts as steady.</summary>
    private const double SteadyJitMs = 20;

    /// <summary>
    /// Creates and deletes workspaces until hearthd has stopped compiling (<see cref="BenchOptions.Warmup"/>):
    /// the figures are meant to be those of a daemon that has been up for a while.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        var start = ProcessCpu.ReadThreadsMs(hearthd.Pid, JitThread);
        while (WarmupCycles < options.WarmupMax)
        {
            var batchStart = ProcessCpu.ReadThreadsMs(hearthd.Pid, JitThread);
            for (var i = 0; i < WarmupBatch; i++, WarmupCycles++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var id = WarmupCycles < 20
                    ? await FreshCreate.TimeAsync(() => CreateAsync(cancellationToken))
                    : await CreateAsync(cancellationToken);
                await DeleteAsync(id, cancellationToken);
            }
            var jit = ProcessCpu.ReadThreadsMs(hearthd.Pid, JitThread) - batchStart;
            progress.WriteLine($"hearth: warm-up {WarmupCycles} creates, hearthd JIT {jit:0} ms CPU in the last {WarmupBatch}");
            if (WarmupCycles >= options.Warmup && jit <= SteadyJitMs) break;
        }
        JitMsWarmup = ProcessCpu.ReadThreadsMs(hearthd.Pid, JitThread) - start;
    }

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var jitStart = ProcessCpu.ReadThreadsMs(hearthd.Pid, JitThread);
        progress.WriteLine($"hearth: {options.Sequential} sequential creates");
        var before = ProcessCpu.Read(hearthd.Pid);
        for (var i = 0; i < options.Sequential; i++)
            sequential.Add(await Figures.CreateSequential.TimeAsync(() => CreateAsync(cancellationToken)));
        var after = ProcessCpu.Read(hearthd.Pid);
        Figures.CreateCpuMs = (after.Total - before.Total) / options.Sequential;
        Figures.CreateCpuOwnMs = (after.Own - before.Own) / options.Sequential;

        for (var i = 0; i < 20; i++)
        {
            await Health.TimeAsync(() => SendAsync(HttpMethod.Get, "/health", HttpStatusCode.OK, cancellationToken));
            await GetWorkspace.TimeAsync(() => SendAsync(HttpMethod.Get, $"/workspace/{sequential[0]}", HttpStatusCode.OK, cancellationToken));
        }
        await ReadDriverStartTimesAsync(sequential, DriverStartFromLog, cancellationToken);
        SampleConfigJson = await File.ReadAllTextAsync(Path.Combine(hearthd.DataDir, "workspaces", sequential[0], "bundle", "config.json"), cancellationToken);

        progress.WriteLine($"hearth: {options.Concurrent} concurrent creates");
        await OpenConnectionsAsync(cancellationToken);
        var (wall, ids) = await Burst.RunAsync(options.Concurrent, Figures.CreateConcurrent, _ => CreateAsync(cancellationToken));
        Figures.CreateConcurrentWallMs = wall;
        concurrent.AddRange(ids);
        // Before the lifecycle's starts log lines of their own.
        await ReadDriverStartTimesAsync(concurrent, DriverStartConcurrentFromLog, cancellationToken);

        progress.WriteLine($"hearth: pause, resume, stop, start x{options.LifecycleRuns}");
        var subjects = sequential.Take(options.LifecycleRuns).ToList();
        foreach (var (op, samples) in new[] { ("pause", Pause), ("resume", Resume), ("stop", Stop), ("start", Start) })
            foreach (var id in subjects)
                await samples.TimeAsync(() => SendAsync(HttpMethod.Post, $"/workspace/{id}/{op}", HttpStatusCode.OK, cancellationToken));

        progress.WriteLine($"hearth: {sequential.Count} sequential deletes, {concurrent.Count} concurrent");
        var cpu = ProcessCpu.ReadMs(hearthd.Pid);
        var deletes = sequential.Count;
        foreach (var id in sequential.ToList())
        {
            await Figures.DeleteSequential.TimeAsync(() => DeleteAsync(id, cancellationToken));
            sequential.Remove(id);
        }
        Figures.DeleteCpuMs = (ProcessCpu.ReadMs(hearthd.Pid) - cpu) / deletes;
        await OpenConnectionsAsync(cancellationToken);
        Figures.DeleteConcurrentWallMs = await Burst.RunAsync(concurrent.Count, Figures.DeleteConcurrent,
            i => DeleteAsync(concurrent[i], cancellationToken));
        concurrent.Clear();
        JitMsRun = ProcessCpu.ReadThreadsMs(hearthd.Pid, JitThread) - jitStart;
    }

    /// <summary>
    /// Captures <see cref="SampleConfigJson"/> from a workspace made for it and deleted at once
    /// (untimed), for a run whose <see cref="RunAsync"/> does not (the network scenario alone).
    /// </summary>
    public async Task CaptureSampleConfigAsync(CancellationToken cancellationToken = default)
    {
        var id = await CreateAsync(cancellationToken);
        SampleConfigJson = await File.ReadAllTextAsync(Path.Combine(hearthd.DataDir, "workspaces", id, "bundle", "config.json"), cancellationToken);
        await DeleteAsync(id, cancellationToken);
    }

    /// <summary>One timed create and one timed delete through the API (<see cref="InterleavedCreate"/>).</summary>
    public async Task CreateAndDeleteOnceAsync(CancellationToken cancellationToken = default)
    {
        var id = await InterleavedCreate.TimeAsync(() => CreateAsync(cancellationToken));
        await InterleavedDelete.TimeAsync(() => DeleteAsync(id, cancellationToken));
    }

    private async Task<string> CreateAsync(CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Post, "/workspace", HttpStatusCode.Created, cancellationToken, CreateBody);
        var workspace = body.Workspace;
        var status = workspace.GetProperty("status").GetString();
        if (status != "running")
            throw new BenchException($"create returned a workspace that is {status}, not running");
        return workspace.GetProperty("id").GetString()!;
    }

    private Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"/workspace/{id}", HttpStatusCode.OK, cancellationToken);

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, HttpStatusCode expected,
        CancellationToken cancellationToken, string? json = null)
    {
        var response = await hearthd.SendAsync(method, path, json, cancellationToken);
        if (response.Status != expected)
            throw new BenchException($"{method} {path}: expected HTTP {(int)expected}, got {(int)response.Status}: {response.Body}");
        return response;
    }

    /// <summary>Opens as many pooled connections as the burst will use, so no request of it pays a TCP handshake.</summary>
    private Task OpenConnectionsAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Concurrent).Select(_ => SendAsync(HttpMethod.Get, "/health", HttpStatusCode.OK, cancellationToken)));

    /// <summary>
    /// hearthd runs with CrunDriver at Debug (BenchRun), which logs each start's duration. The
    /// console logger writes from a queue, so the lines may trail the replies by a moment.
    /// </summary>
    private async Task ReadDriverStartTimesAsync(IReadOnlyCollection<string> ids, Samples into, CancellationToken cancellationToken)
    {
        var wanted = ids.ToHashSet();
        List<double> found = [];
        for (var attempt = 0; attempt < 40; attempt++)
        {
            found = StartedLine().Matches(hearthd.ReadLog()).Where(m => wanted.Contains(m.Groups["id"].Value))
                .Select(m => double.Parse(m.Groups["ms"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            if (found.Count >= wanted.Count) break;
            await Task.Delay(50, cancellationToken);
        }
        foreach (var ms in found) into.Add(ms);
    }

    [GeneratedRegex(@"workspace (?<id>ws_\w+) started in (?<ms>[0-9.]+) ms")]
    private static partial Regex StartedLine();
}
