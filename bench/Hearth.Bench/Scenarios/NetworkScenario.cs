using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hearth.Bench.Host;
using Hearth.Bench.Measurement;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Issue 4's benchmark, in three parts. (1) The network steps of a create (firewall add, veth
/// attach) and of a delete, from <see cref="CreateBreakdown"/> runs interleaved with API creates
/// of the same hearthd. (2) TCP between two workspaces of that hearthd, over its real path (veth,
/// the host side's routing and nftables, veth), next to two plain namespaces joined by one veth
/// pair; then how soon a <c>PATCH /workspace/:id/network</c> holds for new connections.
/// (3) <see cref="FirewallUpdates"/>: rule changes with N workspaces' rules loaded.
/// </summary>
internal sealed class NetworkScenario(HearthdInstance hearthd, Scratch scratch, BenchOptions options, TextWriter progress) : IAsyncDisposable
{
    /// <summary>Throughput slices: each path writes for one second at a time, the two taking turns.</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromSeconds(1);
    /// <summary>Round trips per turn of the latency series.</summary>
    public const int RoundTripBlock = 2000;
    private const int BulkPort = 5001;
    private const int ProbePort = 5002;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan EffectDeadline = TimeSpan.FromSeconds(5);

    private WorkspacePair? pair;
    private Socket? probeListener;

    public HearthScenario Hearth { get; } = new(hearthd, options, progress);
    public CreateBreakdown? Breakdown { get; private set; }
    public TcpPath? Workspaces { get; private set; }
    public TcpPath? Plain { get; private set; }
    public FirewallUpdates Rules { get; } = new(scratch, options, progress);

    /// <summary>What the admission check saw: A to B connects, B to A is refused by the firewall.</summary>
    public string AdmissionCheck { get; private set; } = "not run";
    public Samples PatchRoundTrip { get; } = new("PATCH /workspace/:id/network round trip");
    public Samples RevokeEffective { get; } = new("PATCH answered -> a new connection from A is refused (ingress [] )");
    public Samples GrantEffective { get; } = new("PATCH answered -> a new connection from A is established (ingress [A])");
    /// <summary>Connection attempts after a PATCH answered that did not yet see the new rule (should be 0).</summary>
    public int StaleAttempts { get; private set; }

    /// <summary>Part 1: hearthd warm-up (unless the create scenario did it), then the breakdown runs with their network steps.</summary>
    public async Task RunSetupAsync(bool warm, CancellationToken cancellationToken = default)
    {
        if (!warm)
        {
            progress.WriteLine($"network: warm-up, {options.Warmup} to {options.WarmupMax} creates and deletes, until hearthd's JIT is idle");
            await Hearth.WarmUpAsync(cancellationToken);
        }
        await Hearth.CaptureSampleConfigAsync(cancellationToken);
        progress.WriteLine($"network: {options.NetworkSetupRuns} creates and deletes by hand with their network steps, each after one through the API");
        Breakdown = new CreateBreakdown(scratch, await BusyboxRootfs.ResolveAsync(hearthd, options.ImagesDir, cancellationToken), Hearth.SampleConfigJson!,
            Path.Combine(hearthd.DataDir, "agent", "current"));
        await Breakdown.PrepareAsync(cancellationToken);
        await Breakdown.RunAsync(options.NetworkSetupRuns, Hearth.CreateAndDeleteOnceAsync, cancellationToken);
    }

    /// <summary>Part 2: the two paths, the admission check, throughput and round trips in turns, then the PATCH probe.</summary>
    public async Task RunTcpAsync(CancellationToken cancellationToken = default)
    {
        pair = await WorkspacePair.CreateAsync(hearthd, cancellationToken);
        progress.WriteLine($"network: workspaces A {pair.AId} ({pair.A}) and B {pair.BId} ({pair.B}, ingress [{pair.A}])");
        var plain = await PlainVethPair.CreateAsync(scratch, cancellationToken);
        await CheckAdmissionAsync(pair, cancellationToken);

        Workspaces = await TcpPath.ConnectAsync("workspaces", pair.ANetns, pair.BNetns, pair.B, BulkPort, cancellationToken);
        Plain = await TcpPath.ConnectAsync("plain veth pair", plain.ANetns, plain.BNetns, PlainVethPair.B, BulkPort, cancellationToken);
        var (hearth, baseline) = (Workspaces, Plain);
        var slices = options.NetworkSeconds;
        progress.WriteLine($"network: TCP throughput, {slices} x {Slice.TotalSeconds:0} s of {TcpPath.WriteSize / 1024} KiB writes on each path, in turns");
        await OnOwnThreadAsync(() =>
        {
            // Untimed: connection windows grow, code and page cache warm.
            hearth.WarmUp();
            baseline.WarmUp();
            for (var i = 0; i < slices; i++)
                foreach (var path in i % 2 == 0 ? new[] { hearth, baseline } : [baseline, hearth])
                    path.Send(Slice);
        });
        progress.WriteLine($"network: TCP throughput {hearth.MBps:0} MB/s between the workspaces, {baseline.MBps:0} MB/s on the plain pair");
        progress.WriteLine($"network: {options.NetworkRoundTrips} 1-byte round trips on each path, in turns of {RoundTripBlock}");
        await OnOwnThreadAsync(() =>
        {
            for (var done = 0; done < options.NetworkRoundTrips; done += RoundTripBlock)
            {
                var n = Math.Min(RoundTripBlock, options.NetworkRoundTrips - done);
                hearth.PingPong(n);
                baseline.PingPong(n);
            }
        });
        progress.WriteLine($"network: round trip p50 {hearth.RoundTrips.P50 * 1000:0} us between the workspaces, {baseline.RoundTrips.P50 * 1000:0} us on the plain pair");
        await MeasurePatchAsync(pair, cancellationToken);
    }

    /// <summary>Part 3.</summary>
    public async Task RunRulesAsync(CancellationToken cancellationToken = default)
    {
        progress.WriteLine($"network: firewall tables with 0 and {options.RulesWorkspaces} other workspaces");
        await Rules.PrepareAsync(cancellationToken);
        await Rules.RunAsync(cancellationToken);
    }

    /// <summary>
    /// Before anything is timed: A reaches B (the bulk connection proves it), and B, which A's
    /// ingress does not list, is refused by the firewall's reset although A listens.
    /// </summary>
    private async Task CheckAdmissionAsync(WorkspacePair workspaces, CancellationToken cancellationToken)
    {
        using var listener = workspaces.ANetns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(workspaces.A, ProbePort));
        listener.Listen(8);
        var fromA = await TcpPath.TryConnectAsync(workspaces.ANetns, workspaces.A, ProbePort, AttemptTimeout, cancellationToken);
        if (fromA is not null)
            throw new BenchException($"A cannot reach its own listener ({fromA}): the probe itself is broken");
        var fromB = await TcpPath.TryConnectAsync(workspaces.BNetns, workspaces.A, ProbePort, AttemptTimeout, cancellationToken);
        if (fromB != SocketError.ConnectionRefused)
            throw new BenchException($"B -> A:{ProbePort} should be refused by the firewall (A's ingress is empty), got {fromB?.ToString() ?? "a connection"}");
        AdmissionCheck = $"B -> A:{ProbePort} refused (A listens there; its ingress is empty); A -> B admitted (B's ingress lists A)";
    }

    /// <summary>
    /// Alternately takes A out of B's ingress and puts it back, <see cref="BenchOptions.NetworkPatches"/>
    /// times; after each answer, new connections from A to a listener in B are tried back to back
    /// until one shows the new rule. hearthd applies the change before it answers, so the first
    /// attempt should already do.
    /// </summary>
    private async Task MeasurePatchAsync(WorkspacePair workspaces, CancellationToken cancellationToken)
    {
        progress.WriteLine($"network: {options.NetworkPatches} PATCHes of B's ingress, each followed by new connections from A until the rule holds");
        probeListener = workspaces.BNetns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probeListener.Bind(new IPEndPoint(workspaces.B, ProbePort));
        probeListener.Listen(512);
        for (var i = 0; i < options.NetworkPatches; i++)
        {
            var revoke = i % 2 == 0;
            await PatchRoundTrip.TimeAsync(() => workspaces.PatchBAsync(revoke ? """{"ingress":[]}""" : $$"""{"ingress":["{{workspaces.A}}"]}""", cancellationToken));
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var outcome = await TcpPath.TryConnectAsync(workspaces.ANetns, workspaces.B, ProbePort, AttemptTimeout, cancellationToken);
                if (revoke ? outcome == SocketError.ConnectionRefused : outcome is null) break;
                StaleAttempts++;
                if (clock.Elapsed > EffectDeadline)
                    throw new BenchException($"{(revoke ? "revoking" : "granting")} A in B's ingress did not hold within {EffectDeadline.TotalSeconds:0} s (last attempt: {outcome?.ToString() ?? "connected"})");
            }
            (revoke ? RevokeEffective : GrantEffective).Add(clock.Elapsed);
        }
        // Leave B admitting A, as the pair was made.
        if (options.NetworkPatches % 2 == 1)
            await workspaces.PatchBAsync($$"""{"ingress":["{{workspaces.A}}"]}""", cancellationToken);
    }

    /// <summary>Blocking socket work on a thread of its own (not the thread pool's), on <see cref="TcpPath.ClientCpu"/>.</summary>
    private static Task OnOwnThreadAsync(Action work) =>
        Task.Factory.StartNew(() =>
        {
            TcpPath.PinCurrentThread(TcpPath.ClientCpu);
            work();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        Workspaces?.Dispose();
        Plain?.Dispose();
        probeListener?.Dispose();
        if (pair is not null) await pair.DisposeAsync();
        Breakdown?.Dispose();
    }
}
