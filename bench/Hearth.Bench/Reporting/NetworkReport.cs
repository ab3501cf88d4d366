using System.Globalization;
using System.Text;
using Hearth.Bench.Measurement;
using Hearth.Bench.Scenarios;
using static Hearth.Bench.Reporting.Markdown;

namespace Hearth.Bench.Reporting;

/// <summary>The network scenario's results as markdown (a section of <see cref="Report"/>).</summary>
internal static class NetworkReport
{
    public static string Render(BenchOptions options, NetworkScenario network, string loadAtStart, string loadAtEnd)
    {
        var breakdown = network.Breakdown ?? throw new InvalidOperationException("the setup part did not run");
        var (hearth, plain) = (network.Workspaces ?? throw new InvalidOperationException("the TCP part did not run"), network.Plain!);
        var rules = network.Rules;
        var api = network.Hearth.InterleavedCreate;
        var n = rules.Workspaces;
        var text = new StringBuilder();
        text.AppendLine("#### Network: setup per workspace, TCP between two workspaces vs two plain namespaces, firewall updates");
        text.AppendLine();
        text.AppendLine($"Load average {loadAtStart} when this part started, {loadAtEnd} at its end.");
        text.AppendLine();
        text.AppendLine($"**Network steps of a create (firewall add + veth attach): p50 {F(breakdown.NetworkCreateSum.P50)} ms, " +
            $"{P(breakdown.NetworkCreateSum.P50 / api.P50)} of the API create p50 ({F(api.P50)} ms). " +
            $"TCP between two workspaces / plain veth pair: throughput {R2(hearth.MBps, plain.MBps)}, 1-byte round trip p50 {R2(hearth.RoundTrips.P50, plain.RoundTrips.P50)}. " +
            $"Firewall update of one workspace with {n} others loaded / none: p50 {R(rules.UpdateLoaded.P50, rules.UpdateEmpty.P50)} " +
            $"({F(rules.UpdateLoaded.P50)} vs {F(rules.UpdateEmpty.P50)} ms).**");
        text.AppendLine();

        var runs = options.NetworkSetupRuns;
        text.AppendLine($"##### Network setup per workspace (part of create), {runs} runs");
        text.AppendLine();
        text.AppendLine($"hearthd's create and delete steps done by hand ({runs} runs, each after one create + delete through the API of the same hearthd, " +
            "so both see the same load): the network steps through hearthd's own NftFirewall and WorkspaceLinks, in a network namespace of the bench's " +
            "prepared as hearthd prepares its own (HostNetwork, an empty table), on a real crun container made from hearthd's config.json. " +
            "\"CPU\" is the bench process plus the children it reaped (nft, ip, nsenter, crun).");
        text.AppendLine();
        text.AppendLine($"| step | p50 | p90 | p99 | CPU per run | share of the interleaved API create p50 ({F(api.P50)}) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        void Step(Samples step, string? name = null, bool bold = false, double? cpu = null)
        {
            var (b, e) = bold ? ("**", "**") : ("", "");
            var cpuText = cpu is { } c ? F(c) : double.IsNaN(step.CpuMsPerRun) ? "" : F(step.CpuMsPerRun);
            text.AppendLine($"| {b}{name ?? step.Name}{e} | {b}{F(step.P50)}{e} | {F(step.P90)} | {F(step.P99)} | {cpuText} | {P(step.P50 / api.P50)} |");
        }
        Step(breakdown.FirewallAdd);
        Step(breakdown.VethAttach);
        Step(breakdown.NetworkCreateSum, bold: true, cpu: breakdown.FirewallAdd.CpuMsPerRun + breakdown.VethAttach.CpuMsPerRun);
        Step(breakdown.CreateSum, "for context: every create step by hand (disk, mounts, crun create, network, crun start), per run");
        Step(api, "for context: API create -> running, interleaved (hearthd: POST /workspace, 201 running)");
        Step(breakdown.VethDetach);
        Step(breakdown.FirewallRemove);
        Step(breakdown.NetworkDeleteSum, bold: true, cpu: breakdown.VethDetach.CpuMsPerRun + breakdown.FirewallRemove.CpuMsPerRun);
        Step(breakdown.DeleteSum, "for context: every delete step by hand, per run");
        Step(network.Hearth.InterleavedDelete, "for context: API delete, interleaved");
        Step(breakdown.SpawnFloor, $"for reference: {breakdown.SpawnFloor.Name}");
        Step(breakdown.NsenterFloor, $"for reference: {breakdown.NsenterFloor.Name}");
        text.AppendLine();
        text.AppendLine($"Incremental firewall changes nft refused (healed by a full rebuild): {breakdown.FirewallHeals}.");
        text.AppendLine();

        text.AppendLine("##### TCP between two workspaces vs two plain namespaces on one veth pair");
        text.AppendLine();
        text.AppendLine("Workspaces: two running busybox workspaces of the same hearthd, B created with `config.ingress` [A's address]; sockets made by the bench " +
            "inside their network namespaces (a thread that entered `/proc/<init pid>/ns/net`), so every packet takes hearthd's path: A's veth, " +
            "routing and the `inet hearth` table (conntrack, the admission chain's maps and sets) in hearthd's network namespace, B's veth. " +
            "Plain: two namespaces of the bench's joined by one veth pair, addresses on a /30, no routing hop, no nftables. " +
            $"Each path: one bulk connection written in {TcpPath.WriteSize / 1024} KiB chunks for {options.NetworkSeconds} x {NetworkScenario.Slice.TotalSeconds:0} s " +
            "(the paths taking turns, each slice timed from its first write to the receiver's last read), and one connection (TCP_NODELAY) for " +
            $"{options.NetworkRoundTrips} 1-byte round trips (a thread echoes each byte), in turns of {NetworkScenario.RoundTripBlock}. " +
            "Both ends of both paths run in the bench process, blocking sockets on threads of their own, pinned: " +
            $"the writer on CPU {TcpPath.ClientCpu}, the bulk reader on CPU {TcpPath.ReceiverCpu}, pinger and echo both on CPU {TcpPath.ClientCpu}. " +
            $"Admission check, before timing: {network.AdmissionCheck}.");
        text.AppendLine();
        text.AppendLine("| figure | two workspaces (hearthd's path) | plain veth pair | workspaces / plain |");
        text.AppendLine("|---|---:|---:|---:|");
        text.AppendLine($"| throughput, MB/s over {options.NetworkSeconds} s (higher is better) | **{hearth.MBps:0}** | {plain.MBps:0} | {R2(hearth.MBps, plain.MBps)} |");
        text.AppendLine($"| throughput, slowest / fastest 1 s slice, MB/s | {hearth.SliceMBps.Min():0} / {hearth.SliceMBps.Max():0} | " +
            $"{plain.SliceMBps.Min():0} / {plain.SliceMBps.Max():0} | |");
        double CpuPerGb(TcpPath path) => path.BulkCpuMs / (path.BulkBytes / 1e9);
        text.AppendLine($"| bench CPU per GB moved, ms (sender, receiver and the kernel's work in their context) | {CpuPerGb(hearth):0} | {CpuPerGb(plain):0} | {R2(CpuPerGb(hearth), CpuPerGb(plain))} |");
        void RoundTrip(string name, Func<Samples, double> figure) =>
            text.AppendLine($"| 1-byte round trip, {name}, µs | {Us(figure(hearth.RoundTrips))} | {Us(figure(plain.RoundTrips))} | {R2(figure(hearth.RoundTrips), figure(plain.RoundTrips))} |");
        RoundTrip("p50", s => s.P50);
        RoundTrip("p90", s => s.P90);
        RoundTrip("p99", s => s.P99);
        RoundTrip("mean", s => s.Mean);
        RoundTrip("max", s => s.Max);
        text.AppendLine();

        text.AppendLine($"##### Rule changes through the API: `PATCH /workspace/:id/network` of B, {options.NetworkPatches} times");
        text.AppendLine();
        text.AppendLine("Alternately `{\"ingress\":[]}` and `{\"ingress\":[A]}`; after each answer, new connections from A to a listener in B are tried back to back " +
            "until one shows the new rule (refused, or established); the time runs from the answer to the end of that attempt.");
        text.AppendLine();
        text.AppendLine("| figure | n | p50 | p90 | p99 | min | max |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        Row(text, network.PatchRoundTrip, "PATCH /workspace/:id/network round trip (hearthd: store, one nft -f)");
        Row(text, network.RevokeEffective);
        Row(text, network.GrantEffective);
        text.AppendLine();
        text.AppendLine($"Attempts after an answer that still saw the old rule: {network.StaleAttempts}.");
        text.AppendLine();

        text.AppendLine($"##### Firewall updates: {n} workspaces' rules loaded vs none");
        text.AppendLine();
        text.AppendLine($"NftFirewall (hearthd's class, one `nft -f` transaction per change) on two tables, each in a network namespace of the bench's: " +
            $"{n} made-up workspaces plus the subject, and the subject alone. The made-up rules (a fixed seed): a quarter admit no one, a quarter 1-2 " +
            "other workspaces, a quarter 2-4 on port 5432, a quarter 10.0.0.0/8 on ports 80 and 443; a third restrict egress to 1-4 workspaces " +
            $"(half of those also name hostnames); one in ten is air-gapped. The whole table is {rules.FullTextLines} lines " +
            $"({rules.FullTextBytes / 1024.0:0} KiB) of nft input. Updates change one entry of the subject's ingress (3 entries, port 5432, 2 egress entries); " +
            "an add is a newcomer shaped like the others, removed again right after. The two tables take turns in blocks of " +
            $"{FirewallUpdates.Block}; {options.RulesUpdates} of each change and {options.RulesSyncs} full syncs per table.");
        text.AppendLine();
        text.AppendLine($"| change | {n} others: p50 | p90 | p99 | none: p50 | p90 | p99 | {n} others / none, p50 |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        void Change(string name, Samples loaded, Samples empty) =>
            text.AppendLine($"| {name} | **{F(loaded.P50)}** | {F(loaded.P90)} | {F(loaded.P99)} | {F(empty.P50)} | {F(empty.P90)} | {F(empty.P99)} | {R(loaded.P50, empty.P50)} |");
        Change("UpdateAsync: one workspace's rules (PATCH)", rules.UpdateLoaded, rules.UpdateEmpty);
        Change("AddAsync: one new workspace (create)", rules.AddLoaded, rules.AddEmpty);
        Change("RemoveAsync: one workspace (delete)", rules.RemoveLoaded, rules.RemoveEmpty);
        Change($"SyncAsync: the whole table ({n + 1} workspaces vs 1; daemon start, healing)", rules.SyncLoaded, rules.SyncEmpty);
        text.AppendLine();
        text.AppendLine($"After the run `nft list table inet hearth` found {rules.ChainsFound.Loaded} and {rules.ChainsFound.Empty} per-workspace chains (2 per workspace, as expected); " +
            $"incremental changes nft refused: {rules.Heals}.");
        return text.ToString();
    }

    /// <summary>ms as µs, one decimal.</summary>
    private static string Us(double ms) => double.IsNaN(ms) ? "n/a" : (ms * 1000).ToString("0.0", CultureInfo.InvariantCulture);
}
