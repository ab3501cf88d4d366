using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Hearth.Bench.Host;
using Hearth.Bench.Measurement;
using Hearth.Runtime.Network;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Images, on a hearthd of its own whose image cache starts empty (<see cref="BenchOptions.ColdImagesDir"/>):
/// <list type="number">
/// <item>the catalogue built cold, one image after another in catalogue order, each through
/// <c>POST /workspace/images/{name}/build</c> (NDJSON read to its final line), with each image's
/// layers from <c>layers/&lt;id&gt;/layer.json</c> and whether this build made them;</item>
/// <item>create -> running from each cached image, the images taking turns so that a change of
/// load over the run falls on all of them alike; and for postgres images, the time until the
/// server accepts connections;</item>
/// <item>imported synthetic images of 1, 8 and 32 tiny layers (<see cref="SyntheticImage"/>),
/// create -> running from each: one idmapped mount per layer.</item>
/// </list>
/// </summary>
internal sealed class ImagesScenario(HearthdInstance hearthd, BenchOptions options, TextWriter progress) : IDisposable
{
    /// <summary>The image every ratio is against; always built and measured.</summary>
    public const string Reference = "busybox";
    public static readonly int[] LayerCounts = [1, 8, 32];
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(45);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>The build and import streams: no overall timeout of the client (a cold debootstrap takes minutes); each call is bounded by its own token.</summary>
    private readonly HttpClient stream = CreateStreamClient(hearthd);

    public IReadOnlyList<ImageBuildFigures> Builds => builds;
    private readonly List<ImageBuildFigures> builds = [];
    /// <summary>Catalogue images in catalogue order, as <c>GET /workspace/images</c> lists them.</summary>
    public IReadOnlyList<string> Catalogue { get; private set; } = [];
    /// <summary>The images this run built and measured (catalogue order; busybox always).</summary>
    public IReadOnlyList<string> Selected { get; private set; } = [];
    /// <summary>Images in the catalogue that <see cref="BenchOptions.ImagesOnly"/> left out.</summary>
    public IReadOnlyList<string> LeftOut { get; private set; } = [];
    /// <summary>Layers that existed before the first build (must be none: the cache starts empty and nothing is prebuilt).</summary>
    public int LayersBeforeBuild { get; private set; }
    /// <summary><c>du -s --block-size=1</c> and <c>du -sb</c> (apparent size) of <c>layers/</c>: one du, so hard links count once.</summary>
    public long LayersDiskBytes { get; private set; }
    public long LayersApparentBytes { get; private set; }
    public int LayerCount { get; private set; }

    public IReadOnlyList<ImageCreateSeries> Creates => creates;
    private readonly List<ImageCreateSeries> creates = [];
    public IReadOnlyList<PostgresReadiness> Postgres => postgres;
    private readonly List<PostgresReadiness> postgres = [];
    public IReadOnlyList<LayerCountSeries> LayerSeries => layerSeries;
    private readonly List<LayerCountSeries> layerSeries = [];

    public int WarmupCreates { get; private set; }
    public double JitMsWarmup { get; private set; }
    public string LoadAtBuildStart { get; private set; } = "";
    public string LoadAtBuildEnd { get; private set; } = "";
    public string LoadAtCreatesStart { get; private set; } = "";
    public string LoadAtCreatesEnd { get; private set; } = "";
    public string LoadAtLayersEnd { get; private set; } = "";

    /// <summary>Part 1: each selected catalogue image built cold, in catalogue order; then du of layers/.</summary>
    public async Task BuildCatalogueAsync(CancellationToken cancellationToken = default)
    {
        LoadAtBuildStart = await LoadAsync(cancellationToken);
        var list = await hearthd.SendAsync(HttpMethod.Get, "/workspace/images", null, cancellationToken);
        if (list.Status != HttpStatusCode.OK) throw new BenchException($"GET /workspace/images: HTTP {(int)list.Status}: {list.Body}");
        Catalogue = list.Json.GetProperty("images").EnumerateArray()
            .Where(i => i.GetProperty("source").GetString() == "catalog")
            .Select(i => i.GetProperty("id").GetString()!).ToList();
        if (!Catalogue.Contains(Reference)) throw new BenchException($"the catalogue has no {Reference} image: {string.Join(", ", Catalogue)}");
        if (options.ImagesOnly is { } only && only.Except(Catalogue).ToList() is { Count: > 0 } unknown)
            throw new BenchException($"--images-only names {string.Join(", ", unknown)}, not in the catalogue ({string.Join(", ", Catalogue)})");
        Selected = Catalogue.Where(n => options.ImagesOnly is not { } only || only.Contains(n) || n == Reference).ToList();
        LeftOut = Catalogue.Except(Selected).ToList();
        LayersBeforeBuild = LayerIds().Count;
        progress.WriteLine($"images: cold build of {string.Join(", ", Selected)} into {options.ColdImagesDir} ({LayersBeforeBuild} layers there before)");

        foreach (var name in Selected)
            builds.Add(await BuildAsync(name, cancellationToken));

        var layers = Path.Combine(options.ColdImagesDir, "layers");
        LayerCount = LayerIds().Count;
        LayersDiskBytes = await DuAsync(["-s", "--block-size=1", layers], cancellationToken);
        LayersApparentBytes = await DuAsync(["-sb", layers], cancellationToken);
        LoadAtBuildEnd = await LoadAsync(cancellationToken);
    }

    /// <summary>
    /// Part 2: hearthd warmed up (busybox creates until its JIT is idle, as the create scenario
    /// does), then <see cref="BenchOptions.ImageWarmup"/> untimed creates of each image, then
    /// <see cref="BenchOptions.ImageCreates"/> rounds in which every image is created once (and
    /// deleted, untimed); then each postgres image's readiness.
    /// </summary>
    public async Task RunCreatesAsync(CancellationToken cancellationToken = default)
    {
        LoadAtCreatesStart = await LoadAsync(cancellationToken);
        var warm = new HearthScenario(hearthd, options, progress);
        progress.WriteLine($"images: warm-up, {options.Warmup} to {options.WarmupMax} busybox creates and deletes, until hearthd's JIT is idle");
        await warm.WarmUpAsync(cancellationToken);
        (WarmupCreates, JitMsWarmup) = (warm.WarmupCycles, warm.JitMsWarmup);

        creates.AddRange(builds.Select(b => new ImageCreateSeries(b.Name, DefaultCommand(b.Name))));
        await RunRoundsAsync(creates.Select(c => (c.Image, c.Create)).ToList(), "images", cancellationToken);

        foreach (var name in builds.Select(b => b.Name).Where(n => n.StartsWith("postgres-", StringComparison.Ordinal)))
            postgres.Add(await MeasureReadinessAsync(name, cancellationToken));
        LoadAtCreatesEnd = await LoadAsync(cancellationToken);
    }

    /// <summary>Part 3: the synthetic images imported, then created in rounds like the catalogue images.</summary>
    public async Task RunLayerCountAsync(CancellationToken cancellationToken = default)
    {
        foreach (var count in LayerCounts)
        {
            var series = new LayerCountSeries(count);
            var archive = SyntheticImage.DockerSave($"{series.Image}:latest", count);
            series.ArchiveBytes = archive.Length;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/workspace/images/import?name={series.Image}")
            {
                Content = new ByteArrayContent(archive) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-tar") } },
            };
            var clock = Stopwatch.StartNew();
            using var final = await StreamAsync(request, series.Image, cancellationToken);
            series.ImportMs = clock.Elapsed.TotalMilliseconds;
            var image = final.RootElement.GetProperty("image");
            if (image.GetProperty("layers").GetArrayLength() != count)
                throw new BenchException($"{series.Image} was imported with {image.GetProperty("layers").GetArrayLength()} layers, not {count}");
            series.SizeBytes = image.TryGetProperty("size_bytes", out var size) && size.ValueKind == JsonValueKind.Number ? size.GetInt64() : 0;
            layerSeries.Add(series);
        }
        await RunRoundsAsync(layerSeries.Select(s => (s.Image, s.Create)).ToList(), "layers", cancellationToken);
        LoadAtLayersEnd = await LoadAsync(cancellationToken);
    }

    public void Dispose() => stream.Dispose();

    private async Task<ImageBuildFigures> BuildAsync(string name, CancellationToken cancellationToken)
    {
        var before = LayerIds();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/workspace/images/{name}/build");
        var clock = Stopwatch.StartNew();
        using var final = await StreamAsync(request, name, cancellationToken);
        var wall = clock.Elapsed.TotalSeconds;
        var image = final.RootElement.GetProperty("image");
        var layers = image.GetProperty("layers").EnumerateArray().Select(l => l.GetString()!).Select(id =>
        {
            var info = ReadLayer(id);
            return new LayerFigures(id, info.GetProperty("title").GetString() ?? "", info.GetProperty("size_bytes").GetInt64(),
                info.GetProperty("files").GetInt64(), info.GetProperty("build_seconds").GetDouble(), Built: !before.Contains(id));
        }).ToList();
        var software = image.TryGetProperty("software", out var s) ? s.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
        var figures = new ImageBuildFigures(name, wall, layers, image.GetProperty("size_bytes").GetInt64(), software);
        progress.WriteLine($"images: {name} built in {wall:0.0} s, {layers.Count} layers ({layers.Count(l => l.Built)} built here), " +
            $"{figures.SizeBytes / 1048576.0:0.0} MiB; {string.Join(", ", software)}");
        return figures;
    }

    /// <summary>Sends a build or import and reads its NDJSON to the final line, which must say success; progress lines go to stderr.</summary>
    private async Task<JsonDocument> StreamAsync(HttpRequestMessage request, string label, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(BuildTimeout);
        using var response = await stream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bounded.Token);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new BenchException($"{request.Method} {request.RequestUri}: HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(bounded.Token)}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(bounded.Token));
        while (await reader.ReadLineAsync(bounded.Token) is { } line)
        {
            if (line.Length == 0) continue;
            var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.TryGetProperty("step", out var step) && step.ValueKind == JsonValueKind.String)
            {
                progress.WriteLine($"images: {label} [{root.GetProperty("seconds").GetDouble():0.0}s] {step.GetString()}");
                document.Dispose();
                continue;
            }
            if (root.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.True) return document;
            var message = $"{label}: {root.GetProperty("error").GetString()}: {root.GetProperty("message").GetString()}";
            document.Dispose();
            throw new BenchException(message);
        }
        throw new BenchException($"{label}: the NDJSON answer ended without a final line");
    }

    /// <summary>
    /// Untimed warm-up creates of every image, then rounds in which each image is created once
    /// (timed: the API round trip, which must answer 201 running) and deleted (untimed).
    /// </summary>
    private async Task RunRoundsAsync(IReadOnlyList<(string Image, Samples Samples)> series, string label, CancellationToken cancellationToken)
    {
        progress.WriteLine($"{label}: {options.ImageWarmup} warm-up creates of each of {string.Join(", ", series.Select(s => s.Image))}");
        foreach (var (image, _) in series)
            for (var i = 0; i < options.ImageWarmup; i++)
                await DeleteAsync(await CreateAsync(image, null, cancellationToken), cancellationToken);
        for (var round = 1; round <= options.ImageCreates; round++)
        {
            foreach (var (image, samples) in series)
                await DeleteAsync(await CreateAsync(image, samples, cancellationToken), cancellationToken);
            progress.WriteLine($"{label}: round {round}/{options.ImageCreates}: " + string.Join(", ", series.Select(s => $"{s.Image} {s.Samples.Last:0.0}")) + " ms");
        }
    }

    /// <summary>One postgres image, <see cref="BenchOptions.PostgresReadyRuns"/> times: create, then poll until a TCP connect and then pg_isready succeed.</summary>
    private async Task<PostgresReadiness> MeasureReadinessAsync(string image, CancellationToken cancellationToken)
    {
        var figures = new PostgresReadiness(image);
        for (var run = 1; run <= options.PostgresReadyRuns; run++)
        {
            var clock = Stopwatch.StartNew();
            var created = await SendCreateAsync(image, cancellationToken);
            figures.Create.Add(clock.Elapsed);
            var id = created.GetProperty("id").GetString()!;
            try
            {
                var address = IPAddress.Parse(created.GetProperty("info").GetProperty("internal_ip").GetString()
                    ?? throw new BenchException($"{image}: the create answered no info.internal_ip"));
                using var namespaceOf = new NetworkNamespace($"/proc/{await InitPidAsync(id, cancellationToken)}/ns/net");
                await PollAsync(clock, () => TryConnectAsync(namespaceOf, address, cancellationToken), $"{image}: TCP :5432", cancellationToken);
                figures.TcpAccepted.Add(clock.Elapsed);
                if (!figures.NoPgIsReady)
                {
                    var found = true;
                    await PollAsync(clock, async () =>
                    {
                        var code = await PgIsReadyAsync(id, cancellationToken);
                        found = code != 127;
                        return code is 0 or 127;
                    }, $"{image}: pg_isready", cancellationToken);
                    if (found) figures.PgIsReady.Add(clock.Elapsed);
                    else figures.NoPgIsReady = true;
                }
                progress.WriteLine($"images: {image} readiness {run}/{options.PostgresReadyRuns}: create {figures.Create.Last:0} ms, " +
                    $"TCP accepted {figures.TcpAccepted.Last:0} ms, pg_isready {(figures.NoPgIsReady ? "absent" : $"{figures.PgIsReady.Last:0} ms")} (from the POST)");
            }
            finally
            {
                await DeleteAsync(id, cancellationToken);
            }
        }
        return figures;
    }

    private static async Task PollAsync(Stopwatch clock, Func<Task<bool>> attempt, string what, CancellationToken cancellationToken)
    {
        while (!await attempt())
        {
            if (clock.Elapsed > ReadyTimeout) throw new BenchException($"{what}: not ready after {ReadyTimeout.TotalSeconds:0} s");
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// A connect from a socket made inside the workspace's network namespace to its own address:
    /// whether postgres listens there, without the host firewall in the way (it sits in hearthd's
    /// namespace, and a workspace's own traffic to itself never leaves its loopback).
    /// </summary>
    private static async Task<bool> TryConnectAsync(NetworkNamespace network, IPAddress address, CancellationToken cancellationToken)
    {
        using var socket = network.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, 5432), bounded.Token);
            return true;
        }
        catch (SocketException) { return false; }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { return false; }
    }

    /// <summary>
    /// <c>pg_isready -q -h 127.0.0.1</c> in the workspace through <c>crun exec</c>: the server
    /// version's own client when the image has one, else Debian's wrapper; 127 when there is none.
    /// 0 is accepting connections, 1 rejecting (starting up), 2 no answer.
    /// </summary>
    private async Task<int> PgIsReadyAsync(string id, CancellationToken cancellationToken)
    {
        const string Script = "for p in /usr/lib/postgresql/*/bin/pg_isready /usr/bin/pg_isready; do " +
            "if [ -x \"$p\" ]; then exec \"$p\" -q -h 127.0.0.1 -p 5432; fi; done; exit 127";
        var result = await HostProcess.RunAsync("crun", ["--root", hearthd.CrunRoot, "exec", id, "/bin/sh", "-c", Script], cancellationToken);
        return result.ExitCode;
    }

    private async Task<int> InitPidAsync(string id, CancellationToken cancellationToken)
    {
        var state = await HostProcess.RunCheckedAsync("crun", ["--root", hearthd.CrunRoot, "state", id], cancellationToken);
        using var json = JsonDocument.Parse(state.StandardOutput);
        return json.RootElement.GetProperty("pid").GetInt32();
    }

    private async Task<string> CreateAsync(string image, Samples? samples, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var workspace = await SendCreateAsync(image, cancellationToken);
        samples?.Add(clock.Elapsed);
        return workspace.GetProperty("id").GetString()!;
    }

    /// <summary><c>POST /workspace {"image": image}</c>; must answer 201 with a running workspace, which it returns.</summary>
    private async Task<JsonElement> SendCreateAsync(string image, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["image"] = image });
        var response = await hearthd.SendAsync(HttpMethod.Post, "/workspace", body, cancellationToken);
        if (response.Status != HttpStatusCode.Created)
            throw new BenchException($"POST /workspace {body}: HTTP {(int)response.Status}: {response.Body}");
        var workspace = response.Workspace;
        if (workspace.GetProperty("status").GetString() is var status and not "running")
            throw new BenchException($"POST /workspace {body} returned a workspace that is {status}, not running");
        return workspace;
    }

    private async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var response = await hearthd.SendAsync(HttpMethod.Delete, $"/workspace/{id}", null, cancellationToken);
        if (response.Status != HttpStatusCode.OK)
            throw new BenchException($"DELETE /workspace/{id}: HTTP {(int)response.Status}: {response.Body}");
    }

    /// <summary>The image's default command from its record (<c>refs/</c>), for the report.</summary>
    private IReadOnlyList<string> DefaultCommand(string name)
    {
        var refs = Path.Combine(options.ColdImagesDir, "refs");
        foreach (var file in Directory.Exists(refs) ? Directory.EnumerateFiles(refs, "*.json") : [])
        {
            using var record = JsonDocument.Parse(File.ReadAllText(file));
            if (record.RootElement.GetProperty("name").GetString() != name) continue;
            if (!record.RootElement.TryGetProperty("config", out var config)) return [];
            return [.. Strings(config, "entrypoint"), .. Strings(config, "cmd")];
        }
        return [];
    }

    private static IEnumerable<string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select(x => x.GetString()!) : [];

    private JsonElement ReadLayer(string id)
    {
        var path = Path.Combine(options.ColdImagesDir, "layers", id, "layer.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    private HashSet<string> LayerIds()
    {
        var layers = Path.Combine(options.ColdImagesDir, "layers");
        return Directory.Exists(layers)
            ? Directory.EnumerateDirectories(layers).Where(d => File.Exists(Path.Combine(d, "layer.json"))).Select(Path.GetFileName).OfType<string>().ToHashSet()
            : [];
    }

    private static async Task<long> DuAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await HostProcess.RunCheckedAsync("du", arguments, cancellationToken);
        return long.Parse(result.StandardOutput.Split('\t', ' ')[0], CultureInfo.InvariantCulture);
    }

    private static Task<string> LoadAsync(CancellationToken cancellationToken) => Reporting.MachineInfo.LoadAverageAsync(cancellationToken);

    private static HttpClient CreateStreamClient(HearthdInstance hearthd)
    {
        var client = new HttpClient { BaseAddress = hearthd.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Add("X-Client-ID", hearthd.ClientId);
        client.DefaultRequestHeaders.Add("X-Client-Secret", hearthd.ClientSecret);
        return client;
    }
}
