using System.Text;
using Hearth.Bench.Measurement;
using Hearth.Bench.Scenarios;
using static Hearth.Bench.Reporting.Markdown;

namespace Hearth.Bench.Reporting;

/// <summary>The exec scenario's results as markdown (a section of <see cref="Report"/>), in ms with two decimals.</summary>
internal static class ExecReport
{
    /// <summary>The runtime API's target for p50 of a sync exec of <c>true</c>.</summary>
    public const double TargetP50Ms = 5;

    public static string Render(BenchOptions options, ExecScenario exec)
    {
        var text = new StringBuilder();
        var (s, clients, each) = (options.ExecSequential, options.ExecClients, options.ExecPerClient);
        text.AppendLine("#### Exec round trip: `true` through the runtime gateway vs `crun exec`, same workspace");
        text.AppendLine();
        text.AppendLine("One running busybox workspace. Hearth: `POST <gateway>/exec {\"cmd\":[\"true\"]}` with the workspace's runtime token, " +
            "from one HttpClient whose connections stay open (as an SDK's), until the finished task (exit code 0) is read; the streamed form is " +
            "`POST /exec/stream` read up to its `exit` event. Baseline: `crun --root <data dir>/run/crun exec <workspace id> true` in the same " +
            "container, spawned by the bench as hearthd spawns its host programs. " +
            $"The sequential series took turns in blocks of {ExecScenario.Block}. hearthd was warmed up with {exec.WarmupExecs} execs of each kind " +
            $"(its JIT thread used {F(exec.JitMsWarmup)} ms CPU meanwhile, and {F(exec.JitMsRun)} ms during the measured series" +
            (exec.WarmupSteady ? ")." : "; **the warm-up limit was reached with hearthd still compiling**: raise --exec-warmup-max)."));
        text.AppendLine();

        var target = exec.HearthSequential.P50;
        text.AppendLine($"**Target: p50 exec round trip (`POST /exec`, sync) <= {TargetP50Ms:0} ms. Measured: {F2(target)} ms, " +
            $"{(target <= TargetP50Ms ? "met" : $"missed by {F2(target - TargetP50Ms)} ms")}. Hearth / crun exec, p50: {R2(target, exec.CrunSequential.P50)} (lower is better).**");
        text.AppendLine();

        text.AppendLine("| figure | Hearth `POST /exec` | crun exec | Hearth / crun exec |");
        text.AppendLine("|---|---:|---:|---:|");
        void Ratio(string name, double hearth, double crun) =>
            text.AppendLine($"| {name} | {F2(hearth)} | {F2(crun)} | {R2(hearth, crun)} |");
        Ratio($"{s} sequential: p50", exec.HearthSequential.P50, exec.CrunSequential.P50);
        Ratio($"{s} sequential: p99", exec.HearthSequential.P99, exec.CrunSequential.P99);
        Ratio($"{s} sequential: mean", exec.HearthSequential.Mean, exec.CrunSequential.Mean);
        Ratio($"{clients} clients x {each}: p50 per request", exec.HearthConcurrent.P50, exec.CrunConcurrent.P50);
        Ratio($"{clients} clients x {each}: p99 per request", exec.HearthConcurrent.P99, exec.CrunConcurrent.P99);
        Ratio($"{clients} clients x {each}: mean per request", exec.HearthConcurrent.Mean, exec.CrunConcurrent.Mean);
        Ratio($"{clients} clients x {each}: wall for all {clients * each}", exec.HearthConcurrentWallMs, exec.CrunConcurrentWallMs);
        var (hearthRate, crunRate) = (exec.HearthConcurrent.Count / exec.HearthConcurrentWallMs * 1000, exec.CrunConcurrent.Count / exec.CrunConcurrentWallMs * 1000);
        text.AppendLine($"| {clients} clients x {each}: execs per second (higher is better) | {hearthRate:0} | {crunRate:0} | {R2(hearthRate, crunRate)} |");
        Ratio("CPU per sequential exec (Hearth: hearthd + agent with its `true`; crun: the bench + crun with its `true`)", exec.HearthCpuMs, exec.CrunCpuMs);
        Ratio("CPU per concurrent exec (the same)", exec.HearthConcurrentCpuMs, exec.CrunConcurrentCpuMs);
        text.AppendLine();

        text.AppendLine("| figure | Hearth `POST /exec/stream` to `exit` | crun exec | Hearth / crun exec |");
        text.AppendLine("|---|---:|---:|---:|");
        Ratio($"{s} sequential: p50", exec.StreamSequential.P50, exec.CrunSequential.P50);
        Ratio($"{s} sequential: p99", exec.StreamSequential.P99, exec.CrunSequential.P99);
        Ratio($"{s} sequential: mean", exec.StreamSequential.Mean, exec.CrunSequential.Mean);
        Ratio("CPU per sequential exec", exec.StreamCpuMs, exec.CrunCpuMs);
        text.AppendLine();

        text.AppendLine("| series | n | p50 | p90 | p99 | min | max | mean |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var samples in new[] { exec.HearthSequential, exec.StreamSequential, exec.CrunSequential, exec.HearthConcurrent, exec.CrunConcurrent })
            RowWithMean(text, samples);
        RowWithMean(text, exec.GatewayHealth, $"{exec.GatewayHealth.Name} (HTTP floor: no auth, no agent)");
        text.AppendLine();

        text.AppendLine($"p50 of each sequential block of {ExecScenario.Block}, in the order run (a drift over the run shows here):");
        text.AppendLine();
        text.AppendLine("| block | " + string.Join(" | ", exec.BlockMedians.Select((_, i) => (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))) + " |");
        text.AppendLine("|---|" + string.Concat(exec.BlockMedians.Select(_ => "---:|")));
        text.AppendLine("| `POST /exec` | " + string.Join(" | ", exec.BlockMedians.Select(b => F2(b.Hearth))) + " |");
        text.AppendLine("| `POST /exec/stream` | " + string.Join(" | ", exec.BlockMedians.Select(b => F2(b.Stream))) + " |");
        text.AppendLine("| crun exec | " + string.Join(" | ", exec.BlockMedians.Select(b => F2(b.Crun))) + " |");
        text.AppendLine();

        text.AppendLine(exec.Errors.Count == 0
            ? "Failed execs: none."
            : $"Failed execs: {exec.Errors.Count} (not in the figures); the first: " + string.Join("; ", exec.Errors.Take(5).Select(e => $"`{e}`")));
        return text.ToString();
    }

    /// <summary>As <see cref="Markdown.Row"/>, with two decimals and the mean.</summary>
    private static void RowWithMean(StringBuilder text, Samples samples, string? name = null) =>
        text.AppendLine($"| {name ?? samples.Name} | {samples.Count} | {F2(samples.P50)} | {F2(samples.P90)} | {F2(samples.P99)} | {F2(samples.Min)} | {F2(samples.Max)} | {F2(samples.Mean)} |");
}
