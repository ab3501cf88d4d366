using Hearth.Testing;

namespace Hearth.Bench;

/// <summary>How much to measure; the defaults are the figures issue 2 asks for.</summary>
internal sealed record BenchOptions
{
    /// <summary>The scenarios of this run; every one unless some are named on the command line.</summary>
    public IReadOnlySet<BenchScenario> Scenarios { get; init; } = AllScenarios;

    public int Sequential { get; init; } = 50;
    public int Concurrent { get; init; } = 20;
    /// <summary>Workspaces that go through pause, resume, stop and start, one op each.</summary>
    public int LifecycleRuns { get; init; } = 20;
    public int BreakdownRuns { get; init; } = 20;
    /// <summary>
    /// Fewest creates and deletes before measuring: the admin key's PBKDF2, the first
    /// connection and, above all, hearthd's JIT. With tiered PGO a method is compiled three
    /// times (tier 0, instrumented, tier 1) after some 30 calls each, and most of a create's
    /// code runs once per create, so hearthd needs on the order of 150 creates to stop
    /// compiling; until then its JIT thread costs more CPU than the create itself. Warm-up goes
    /// on, in batches of 20, until a batch passes with the JIT thread (nearly) idle.
    /// </summary>
    public int Warmup { get; init; } = 60;
    public int WarmupMax { get; init; } = 400;
    /// <summary>Paced crun creates, one every <see cref="PaceMs"/>, for the cold-cgroup-attach comparison.</summary>
    public int Paced { get; init; } = 20;
    public int PaceMs { get; init; } = 100;

    /// <summary>Sequential execs of <c>true</c> of each series (sync, streamed, crun exec).</summary>
    public int ExecSequential { get; init; } = 300;
    /// <summary>
    /// Untimed execs of each kind (sync, streamed) per warm-up batch; as for creates, batches go
    /// on until hearthd's JIT thread is (nearly) idle, here for two batches in a row, up to
    /// <see cref="ExecWarmupMax"/> (Scenarios/ExecScenario.WarmUpAsync).
    /// </summary>
    public int ExecWarmup { get; init; } = 30;
    public int ExecWarmupMax { get; init; } = 600;
    /// <summary>Concurrent clients, each running <see cref="ExecPerClient"/> execs back to back.</summary>
    public int ExecClients { get; init; } = 16;
    public int ExecPerClient { get; init; } = 50;

    /// <summary>Sequential 4 KiB writes and reads of each files series (Hearth write, read; crun write, read, durable write).</summary>
    public int FilesSmall { get; init; } = 200;
    /// <summary>Runs of each 64 MiB series (Hearth write, read, upload, download; crun write, read, durable write).</summary>
    public int FilesLarge { get; init; } = 5;
    /// <summary>
    /// Untimed 4 KiB writes and reads through Hearth per warm-up batch; batches go on until
    /// hearthd's JIT thread is (nearly) idle for two in a row, up to <see cref="FilesWarmupMax"/>
    /// (Scenarios/FilesScenario.WarmUpAsync).
    /// </summary>
    public int FilesWarmup { get; init; } = 30;
    public int FilesWarmupMax { get; init; } = 600;

    /// <summary>By-hand creates and deletes with their network steps, each after one through the API (Scenarios/NetworkScenario).</summary>
    public int NetworkSetupRuns { get; init; } = 50;
    /// <summary>Seconds of bulk TCP writes on each path (workspaces, plain veth pair), in one-second turns.</summary>
    public int NetworkSeconds { get; init; } = 5;
    /// <summary>1-byte TCP round trips on each path.</summary>
    public int NetworkRoundTrips { get; init; } = 20_000;
    /// <summary>PATCHes of a workspace's ingress, each followed by new connections until the rule holds.</summary>
    public int NetworkPatches { get; init; } = 20;
    /// <summary>Workspaces whose rules are loaded for the firewall update figures (Scenarios/FirewallUpdates).</summary>
    public int RulesWorkspaces { get; init; } = 500;
    /// <summary>Updates of one workspace's rules (and as many adds and removes) on each table.</summary>
    public int RulesUpdates { get; init; } = 50;
    /// <summary>Full syncs of each table.</summary>
    public int RulesSyncs { get; init; } = 5;

    /// <summary>
    /// Images: only these catalogue images (in catalogue order) are built and measured; null is
    /// every one. busybox is always built and measured too, as the reference of the ratios.
    /// </summary>
    public IReadOnlyList<string>? ImagesOnly { get; init; }
    /// <summary>Images: sequential creates (each deleted after) from each cached image, after <see cref="ImageWarmup"/> untimed ones.</summary>
    public int ImageCreates { get; init; } = 15;
    public int ImageWarmup { get; init; } = 3;
    /// <summary>Images: creates of each postgres image timed until the server accepts connections.</summary>
    public int PostgresReadyRuns { get; init; } = 5;
    /// <summary>Images: keep the cold build's image cache (artifacts/bench/cold-images) instead of deleting it.</summary>
    public bool KeepImages { get; init; }
    /// <summary>Images: the image cache the cold build starts empty in (emptied first, deleted afterwards unless <see cref="KeepImages"/>).</summary>
    public string ColdImagesDir { get; init; } = Path.Combine(RepositoryPaths.Root, "artifacts", "bench", "cold-images");

    /// <summary>Workloads: how many run in the agent-memory workspace.</summary>
    public int WorkloadCount { get; init; } = 10;
    /// <summary>Workloads: seconds every one of them writes as fast as it can.</summary>
    public int BurstSeconds { get; init; } = 10;
    /// <summary>Workloads: stamped lines (about one per 10 ms) per latency round of each path.</summary>
    public int LatencyLines { get; init; } = 1000;
    /// <summary>Workloads: latency rounds; the paths take turns, one round each.</summary>
    public int LatencyRounds { get; init; } = 2;
    /// <summary>Workloads: MiB of 100-byte lines the throughput writer prints.</summary>
    public int FloodMiB { get; init; } = 30;

    /// <summary>The image cache of the bench's hearthd (busybox is built into it once).</summary>
    public string ImagesDir { get; init; } = Path.Combine(RepositoryPaths.Root, "artifacts", "bench-images");
    /// <summary>Also write the report (markdown) here.</summary>
    public string? ReportPath { get; init; }

    /// <summary>What a run without a scenario name runs: every scenario but images (minutes of package downloads and builds).</summary>
    private static readonly IReadOnlySet<BenchScenario> AllScenarios = Enum.GetValues<BenchScenario>().Where(s => s != BenchScenario.Images).ToHashSet();

    private static readonly IReadOnlyDictionary<string, BenchScenario> ScenarioNames = new Dictionary<string, BenchScenario>
    {
        ["create"] = BenchScenario.Create,
        ["exec"] = BenchScenario.Exec,
        ["files"] = BenchScenario.Files,
        ["network"] = BenchScenario.Network,
        ["images"] = BenchScenario.Images,
        ["workloads"] = BenchScenario.Workloads,
    };

    public const string Usage = """
        usage: hearth-bench [create] [exec] [files] [network] [workloads] [images] [options]
               (no scenario named: all of them but images, which runs only when named)
          create: [--sequential N] [--concurrent N] [--lifecycle N] [--breakdown N]
                  [--warmup N] [--warmup-max N] [--paced N]
          exec:   [--exec-sequential N] [--exec-warmup N] [--exec-warmup-max N]
                  [--exec-clients N] [--exec-per-client N]
          files:  [--files-small N] [--files-large N] [--files-warmup N] [--files-warmup-max N]
          network: [--network-setup N] [--network-seconds N] [--network-round-trips N]
                  [--network-patches N] [--rules-workspaces N] [--rules-updates N] [--rules-syncs N]
                  (and --warmup, --warmup-max when create does not run)
          workloads: [--workloads N] [--burst-seconds N] [--latency-lines N] [--latency-rounds N] [--flood-mb N]
          images: [--images-only a,b] [--image-creates N] [--image-warmup N] [--postgres-ready N] [--keep-images]
          all:    [--images-dir DIR] [--report FILE]
        Must run as root, after scripts/publish.sh (bench/run.sh does both).
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        var named = new HashSet<BenchScenario>();
        for (var i = 0; i < args.Length; i++)
        {
            if (ScenarioNames.TryGetValue(args[i], out var scenario))
            {
                named.Add(scenario);
                continue;
            }
            string Value() => i + 1 < args.Length ? args[++i] : throw new BenchException($"{args[i]} needs a value\n{Usage}");
            int Count() => int.TryParse(Value(), out var n) && n > 0 ? n : throw new BenchException($"{args[i - 1]} needs a positive number");
            options = args[i] switch
            {
                "--sequential" => options with { Sequential = Count() },
                "--concurrent" => options with { Concurrent = Count() },
                "--lifecycle" => options with { LifecycleRuns = Count() },
                "--breakdown" => options with { BreakdownRuns = Count() },
                "--warmup" => options with { Warmup = Count() },
                "--warmup-max" => options with { WarmupMax = Count() },
                "--paced" => options with { Paced = Count() },
                "--exec-sequential" => options with { ExecSequential = Count() },
                "--exec-warmup" => options with { ExecWarmup = Count() },
                "--exec-warmup-max" => options with { ExecWarmupMax = Count() },
                "--exec-clients" => options with { ExecClients = Count() },
                "--exec-per-client" => options with { ExecPerClient = Count() },
                "--files-small" => options with { FilesSmall = Count() },
                "--files-large" => options with { FilesLarge = Count() },
                "--files-warmup" => options with { FilesWarmup = Count() },
                "--files-warmup-max" => options with { FilesWarmupMax = Count() },
                "--network-setup" => options with { NetworkSetupRuns = Count() },
                "--network-seconds" => options with { NetworkSeconds = Count() },
                "--network-round-trips" => options with { NetworkRoundTrips = Count() },
                "--network-patches" => options with { NetworkPatches = Count() },
                "--rules-workspaces" => options with { RulesWorkspaces = Count() },
                "--rules-updates" => options with { RulesUpdates = Count() },
                "--rules-syncs" => options with { RulesSyncs = Count() },
                "--workloads" => options with { WorkloadCount = Count() },
                "--burst-seconds" => options with { BurstSeconds = Count() },
                "--latency-lines" => options with { LatencyLines = Count() },
                "--latency-rounds" => options with { LatencyRounds = Count() },
                "--flood-mb" => options with { FloodMiB = Count() },
                "--images-only" => options with { ImagesOnly = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--image-creates" => options with { ImageCreates = Count() },
                "--image-warmup" => options with { ImageWarmup = Count() },
                "--postgres-ready" => options with { PostgresReadyRuns = Count() },
                "--keep-images" => options with { KeepImages = true },
                "--images-dir" => options with { ImagesDir = Path.GetFullPath(Value()) },
                "--report" => options with { ReportPath = Path.GetFullPath(Value()) },
                _ => throw new BenchException($"unknown argument {args[i]}\n{Usage}"),
            };
        }
        return options with
        {
            Scenarios = named.Count > 0 ? named : AllScenarios,
            LifecycleRuns = Math.Min(options.LifecycleRuns, options.Sequential),
            WarmupMax = Math.Max(options.WarmupMax, options.Warmup),
            ExecWarmupMax = Math.Max(options.ExecWarmupMax, options.ExecWarmup),
            FilesWarmupMax = Math.Max(options.FilesWarmupMax, options.FilesWarmup),
        };
    }
}
