using System.Text;
using Hearth.Bench.Measurement;
using Hearth.Bench.Scenarios;
using static Hearth.Bench.Reporting.Markdown;

namespace Hearth.Bench.Reporting;

/// <summary>The create scenario's results as markdown (a section of <see cref="Report"/>).</summary>
internal static class CreateReport
{
    /// <summary>Issue 2's target for p50 create -> running.</summary>
    public const double TargetP50Ms = 60;

    public static string Render(BenchOptions options, HearthScenario hearth, CrunBaseline bare, CrunBaseline userns, CreateBreakdown breakdown)
    {
        var text = new StringBuilder();
        text.AppendLine("#### Create -> running, delete and lifecycle");
        text.AppendLine();
        text.AppendLine($"hearthd was warmed up with {hearth.WarmupCycles} creates and deletes (its JIT thread used {F(hearth.JitMsWarmup)} ms CPU meanwhile, " +
            $"and {F(hearth.JitMsRun)} ms during the measured series). A freshly started hearthd is slower: its first 20 creates had p50 {F(hearth.FreshCreate.P50)}, " +
            $"p90 {F(hearth.FreshCreate.P90)}.");
        text.AppendLine();

        var target = hearth.Figures.CreateSequential.P50;
        text.AppendLine($"**Target (issue 2): p50 create -> running <= {TargetP50Ms:0} ms. Measured: {F(target)} ms, " +
            $"{(target <= TargetP50Ms ? "met" : $"missed by {F(target - TargetP50Ms)} ms")}.**");
        text.AppendLine();

        text.AppendLine("##### Hearth vs bare crun, same run");
        text.AppendLine();
        text.AppendLine($"| figure | Hearth | bare crun | Hearth / bare | crun + userns + cgroups | Hearth / that |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        void Ratio(string name, Func<LifecycleFigures, double> figure)
        {
            double h = figure(hearth.Figures), b = figure(bare.Figures), u = figure(userns.Figures);
            text.AppendLine($"| {name} | {F(h)} | {F(b)} | {R(h, b)} | {F(u)} | {R(h, u)} |");
        }
        var (s, c) = (options.Sequential, options.Concurrent);
        Ratio($"create, {s} sequential: p50", f => f.CreateSequential.P50);
        Ratio($"create, {s} sequential: p99", f => f.CreateSequential.P99);
        Ratio($"create, {c} concurrent: p50 per request", f => f.CreateConcurrent.P50);
        Ratio($"create, {c} concurrent: p99 per request", f => f.CreateConcurrent.P99);
        Ratio($"create, {c} concurrent: wall for all", f => f.CreateConcurrentWallMs);
        Ratio($"delete, {s} sequential: p50", f => f.DeleteSequential.P50);
        Ratio($"delete, {s} sequential: p99", f => f.DeleteSequential.P99);
        Ratio($"delete, {c} concurrent: p50 per request", f => f.DeleteConcurrent.P50);
        Ratio($"delete, {c} concurrent: p99 per request", f => f.DeleteConcurrent.P99);
        Ratio($"delete, {c} concurrent: wall for all", f => f.DeleteConcurrentWallMs);
        Ratio("CPU time per sequential create (driving process + reaped children)", f => f.CreateCpuMs);
        Ratio("  of which the driving process itself (hearthd / the bench)", f => f.CreateCpuOwnMs);
        Ratio("CPU time per sequential delete (driving process + reaped children)", f => f.DeleteCpuMs);
        text.AppendLine();

        text.AppendLine($"##### crun with creates spaced out ({options.PaceMs} ms idle before each), as hearthd's are by its other work");
        text.AppendLine();
        text.AppendLine("| figure | Hearth sequential | bare crun, paced | Hearth / that | crun + userns + cgroups, paced | Hearth / that |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, p) in new[] { ("create p50", 50.0), ("create p99", 99.0) })
        {
            double h = hearth.Figures.CreateSequential.Percentile(p), b = bare.CreatePaced.Percentile(p), u = userns.CreatePaced.Percentile(p);
            text.AppendLine($"| {name} | {F(h)} | {F(b)} | {R(h, b)} | {F(u)} | {R(h, u)} |");
        }
        text.AppendLine();
        text.AppendLine($"| cgroup v1 attach probe ({options.BreakdownRuns} runs) | median | p90 |");
        text.AppendLine("|---|---:|---:|");
        foreach (var probe in new[] { breakdown.CgroupAttachCold, breakdown.CgroupAttachWarm })
            text.AppendLine($"| {probe.Name} | {F(probe.P50)} | {F(probe.P90)} |");
        text.AppendLine();

        text.AppendLine("##### Distributions");
        text.AppendLine();
        text.AppendLine("| series | n | p50 | p90 | p99 | min | max |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var figures in new[] { hearth.Figures, bare.Figures, userns.Figures })
            foreach (var samples in new[] { figures.CreateSequential, figures.CreateConcurrent, figures.DeleteSequential, figures.DeleteConcurrent })
                Row(text, samples);
        Row(text, bare.CreatePaced);
        Row(text, userns.CreatePaced);
        Row(text, hearth.FreshCreate, "Hearth create, first 20 after hearthd started (warm-up, JIT cold)");
        foreach (var samples in new[] { hearth.Pause, hearth.Resume, hearth.Stop, hearth.Start })
            Row(text, samples, $"Hearth {samples.Name} (POST /workspace/:id/{samples.Name})");
        Row(text, hearth.Health, "Hearth GET /health (HTTP floor, no auth)");
        Row(text, hearth.GetWorkspace, "Hearth GET /workspace/:id (HTTP + auth + store read)");
        Row(text, hearth.DriverStartFromLog, "Hearth CrunDriver.StartAsync, from hearthd's debug log (sequential creates)");
        Row(text, hearth.DriverStartConcurrentFromLog, "Hearth CrunDriver.StartAsync, from hearthd's debug log (concurrent creates)");
        text.AppendLine();

        var api = hearth.InterleavedCreate.P50;
        var apiDelete = hearth.InterleavedDelete.P50;
        text.AppendLine($"##### Where a create goes: hearthd's steps done by hand, {options.BreakdownRuns} runs");
        text.AppendLine();
        text.AppendLine($"Each by-hand run follows one create + delete through the API, so both see the same load: " +
            $"API create p50 {F(api)} (p90 {F(hearth.InterleavedCreate.P90)}), API delete p50 {F(apiDelete)} (p90 {F(hearth.InterleavedDelete.P90)}). " +
            "\"CPU\" is the bench process plus the children it reaped (crun's container-side work is not in it).");
        text.AppendLine();
        text.AppendLine($"| create step | median | p90 | CPU per run | share of the interleaved API create p50 ({F(api)}) |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var step in breakdown.CreateSteps)
            text.AppendLine($"| {step.Name} | {F(step.P50)} | {F(step.P90)} | {F(step.CpuMsPerRun)} | {P(step.P50 / api)} |");
        text.AppendLine($"| **{breakdown.CreateSum.Name}** | **{F(breakdown.CreateSum.P50)}** | {F(breakdown.CreateSum.P90)} | {F(breakdown.CreateSum.CpuMsPerRun)} | {P(breakdown.CreateSum.P50 / api)} |");
        var network = breakdown.NetworkCreateSum;
        text.AppendLine($"| of which {network.Name} | {F(network.P50)} | {F(network.P90)} | | {P(network.P50 / api)} |");
        text.AppendLine($"| hearthd's own work: API create p50 minus that sum (HTTP, auth, SQLite, JSON, scheduling) | {F(api - breakdown.CreateSum.P50)} | | | {P((api - breakdown.CreateSum.P50) / api)} |");
        var driver = breakdown.FirewallAdd.P50 + breakdown.Disk.P50 + hearth.DriverStartFromLog.P50;
        text.AppendLine($"| cross-check: sequential create p50 ({F(target)}) minus the firewall add and disk steps and CrunDriver.StartAsync p50 from hearthd's log ({F(hearth.DriverStartFromLog.P50)}, veth attach included); what is left is reading the init pid file + HTTP, auth, SQLite, JSON | {F(target - driver)} | | | |");
        var firstUse = breakdown.UsernsFirstUse;
        text.AppendLine($"| {firstUse.Name} | {F(firstUse.P50)} | {F(firstUse.P90)} | {F(firstUse.CpuMsPerRun)} | {P(firstUse.P50 / api)} |");
        text.AppendLine($"| for reference: {breakdown.SpawnFloor.Name} | {F(breakdown.SpawnFloor.P50)} | {F(breakdown.SpawnFloor.P90)} | {F(breakdown.SpawnFloor.CpuMsPerRun)} | |");
        text.AppendLine($"| for reference: {breakdown.NsenterFloor.Name} | {F(breakdown.NsenterFloor.P50)} | {F(breakdown.NsenterFloor.P90)} | {F(breakdown.NsenterFloor.CpuMsPerRun)} | |");
        text.AppendLine();
        text.AppendLine($"| delete step | median | p90 | CPU per run | share of the interleaved API delete p50 ({F(apiDelete)}) |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var step in breakdown.DeleteSteps.Append(breakdown.DeleteSum))
            text.AppendLine($"| {step.Name} | {F(step.P50)} | {F(step.P90)} | {F(step.CpuMsPerRun)} | {P(step.P50 / apiDelete)} |");
        return text.ToString();
    }
}
