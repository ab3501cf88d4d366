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

    /// <summary>A live workspace's rendered config.json, captured for the breakdown.</summary>
    public string? SampleConfigJson { get; private set; }

    /// <summary>Creates and deletes a few workspaces so that JIT, the image build and the key's PBKDF2 are behind us.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < options.Warmup; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = await CreateAsync(cancellationToken);
            await DeleteAsync(id, cancellationToken);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        progress.WriteLine($"hearth: {options.Sequential} sequential creates");
        for (var i = 0; i < options.Sequential; i++)
            sequential.Add(await Figures.CreateSequential.TimeAsync(() => CreateAsync(cancellationToken)));

        for (var i = 0; i < 20; i++)
        {
            await Health.TimeAsync(() => SendAsync(HttpMethod.Get, "/health", HttpStatusCode.OK, cancellationToken));
            await GetWorkspace.TimeAsync(() => SendAsync(HttpMethod.Get, $"/workspace/{sequential[0]}", HttpStatusCode.OK, cancellationToken));
        }
        ReadDriverStartTimes(); // before the lifecycle starts log lines of their own
        SampleConfigJson = await File.ReadAllTextAsync(Path.Combine(hearthd.DataDir, "workspaces", sequential[0], "bundle", "config.json"), cancellationToken);

        progress.WriteLine($"hearth: {options.Concurrent} concurrent creates");
        await OpenConnectionsAsync(cancellationToken);
        var (wall, ids) = await Burst.RunAsync(options.Concurrent, Figures.CreateConcurrent, _ => CreateAsync(cancellationToken));
        Figures.CreateConcurrentWallMs = wall;
        concurrent.AddRange(ids);

        progress.WriteLine($"hearth: pause, resume, stop, start x{options.LifecycleRuns}");
        var subjects = sequential.Take(options.LifecycleRuns).ToList();
        foreach (var (op, samples) in new[] { ("pause", Pause), ("resume", Resume), ("stop", Stop), ("start", Start) })
            foreach (var id in subjects)
                await samples.TimeAsync(() => SendAsync(HttpMethod.Post, $"/workspace/{id}/{op}", HttpStatusCode.OK, cancellationToken));

        progress.WriteLine($"hearth: {sequential.Count} sequential deletes, {concurrent.Count} concurrent");
        foreach (var id in sequential.ToList())
        {
            await Figures.DeleteSequential.TimeAsync(() => DeleteAsync(id, cancellationToken));
            sequential.Remove(id);
        }
        await OpenConnectionsAsync(cancellationToken);
        Figures.DeleteConcurrentWallMs = await Burst.RunAsync(concurrent.Count, Figures.DeleteConcurrent,
            i => DeleteAsync(concurrent[i], cancellationToken));
        concurrent.Clear();
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

    /// <summary>hearthd was started with CrunDriver at Debug (Program.cs), which logs each start's duration.</summary>
    private void ReadDriverStartTimes()
    {
        var wanted = sequential.ToHashSet();
        foreach (Match match in StartedLine().Matches(hearthd.ReadLog()))
            if (wanted.Contains(match.Groups["id"].Value))
                DriverStartFromLog.Add(double.Parse(match.Groups["ms"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"workspace (?<id>ws_\w+) started in (?<ms>[0-9.]+) ms")]
    private static partial Regex StartedLine();
}
