using System.Globalization;
using System.Text;
using Hearth.Bench.Measurement;
using Hearth.Bench.Scenarios;
using Hearth.Protocol.Workloads;
using static Hearth.Bench.Reporting.Markdown;

namespace Hearth.Bench.Reporting;

/// <summary>The workloads scenario's results as markdown (a section of <see cref="Report"/>).</summary>
internal static class WorkloadsReport
{
    public static string Render(BenchOptions options, WorkloadsScenario workloads)
    {
        var memory = workloads.Memory ?? throw new InvalidOperationException("the memory part did not run");
        var latency = workloads.Latency ?? throw new InvalidOperationException("the latency part did not run");
        var throughput = workloads.Throughput ?? throw new InvalidOperationException("the throughput part did not run");
        var (idle, running, burst, deleted) = (memory.Idle!, memory.Running!, memory.AfterBurst!, memory.AfterDelete!);
        var n = options.WorkloadCount;
        var flood = throughput.Figures[0];
        var text = new StringBuilder();

        text.AppendLine("#### Workloads: the agent's memory, log-stream latency, SSE throughput");
        text.AppendLine();
        text.AppendLine($"Busybox workspaces with hearthd's default limits, each through the API (`POST /workspace`, runtime API enabled). **Memory**: the agent " +
            "(the workspace's PID 1, by its host pid) from `/proc/PID/status` (VmRSS, RssAnon, RssFile) and `/proc/PID/smaps_rollup` (Pss; Private = " +
            $"Private_Clean + Private_Dirty), each reading after {WorkloadMemory.Stretch.TotalSeconds:0} s of quiet: idle (the baseline), with {n} workloads " +
            "(`sh -c 'while :; do ...; echo \"tick N\"; sleep 1; done'`, created through `POST .../workloads`), right after a burst in which all of them wrote " +
            $"as fast as they could for {options.BurstSeconds} s (`timeout {options.BurstSeconds} yes ...`, set off by trigger files; VmRSS sampled every 10 ms for the peak), and after " +
            "`DELETE .../workloads`. CPU is the agent's own (utime + stime, without the workloads it reaped). " +
            $"**Latency**: a script prints `lat SEQ SECONDS.MICROS` about every 10 ms ({options.LatencyLines} lines a round; busybox `date` has no `%N` and its " +
            "`adjtimex` is refused in a workspace (glibc calls clock_adjtime, which the seccomp profile blocks), so the stamp is `$(echo | ts %.s)`, gettimeofday " +
            "in µs); each line's latency is the bench's receive time minus " +
            "its stamp, on the same host clock. The same script runs as a workload created stopped, whose `GET .../workloads/:wid/logs/stream` is opened " +
            "before `POST .../start`; as `POST /exec/stream` through the runtime gateway (**the baseline**: the same server's SSE of a process's output, " +
            "without the workload log on disk between); and through a bare `crun exec` pipe (the floor: the script's own delay). The three take turns, " +
            $"{options.LatencyRounds} round(s) each, after an unrecorded warm-up round of {LogLatency.WarmupLines} lines each. **Throughput**: one awk prints " +
            $"{options.FloodMiB} MiB of {LogThroughput.LineBytes}-byte lines ({throughput.Lines} lines, an 8-digit sequence number each) as fast as it can: " +
            "as a workload whose stream (`?since=0`) is opened before its start, through `POST /exec/stream`, and through `crun exec`; every line is " +
            "counted and its number checked. Rates are over start request (or spawn) to last line.");
        text.AppendLine();
        text.AppendLine($"Load average: {workloads.Loads.ElementAtOrDefault(0)} before the memory part, {workloads.Loads.ElementAtOrDefault(1)} before latency, " +
            $"{workloads.Loads.ElementAtOrDefault(2)} before throughput, {workloads.Loads.ElementAtOrDefault(3)} at the end.");
        text.AppendLine();

        var (w, e) = (latency.Workload.Latency, latency.Exec.Latency);
        text.AppendLine($"**Agent VmRSS {F(idle.RssMiB)} MiB idle, {F(running.RssMiB)} MiB with {n} workloads ({R2(running.RssMiB, idle.RssMiB)}), " +
            $"{F(memory.BurstPeakRssMiB)} MiB at the burst's peak, {F(burst.RssMiB)} MiB after it ({R2(burst.RssMiB, idle.RssMiB)} of idle); private " +
            $"{F(idle.PrivateMiB)} -> {F(running.PrivateMiB)} -> {F(burst.PrivateMiB)} MiB. Log-stream latency p50 / p99 / max {F2(w.P50)} / {F2(w.P99)} / " +
            $"{F2(w.Max)} ms, exec stream {F2(e.P50)} / {F2(e.P99)} / {F2(e.Max)} ms (p50 {R2(w.P50, e.P50)}). SSE throughput {F(flood.LineMiBPerSecond)} " +
            $"MiB/s of lines, {flood.LinesPerSecond:0} lines/s, {flood.Received} of {flood.Expected} lines{(flood.Problem is null ? ", none lost" : $": {flood.Problem}")}.**");
        text.AppendLine();

        text.AppendLine($"| agent (PID 1), MiB | idle (baseline) | {n} workloads | burst peak | after the burst | after deleting them | {n} workloads / idle | after the burst / idle |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        void Memory(string name, Func<AgentMemory, double> of, double peak = double.NaN) =>
            text.AppendLine($"| {name} | {F(of(idle))} | {F(of(running))} | {(double.IsNaN(peak) ? "" : F(peak))} | {F(of(burst))} | {F(of(deleted))} | " +
                $"{R2(of(running), of(idle))} | {R2(of(burst), of(idle))} |");
        Memory("VmRSS", m => m.RssMiB, memory.BurstPeakRssMiB);
        Memory("RssAnon (its own allocations)", m => m.AnonMiB);
        Memory("RssFile (its mapped binary)", m => m.FileMiB);
        Memory("Pss", m => m.PssMiB);
        Memory("Private (clean + dirty)", m => m.PrivateMiB);
        text.AppendLine($"| agent CPU, ms per s | {F(memory.IdleCpuMsPerSecond)} | {F(memory.RunningCpuMsPerSecond)} | {F(memory.BurstCpuMsPerSecond)} (burst) | | | | |");
        text.AppendLine();
        text.AppendLine($"The burst ({memory.BurstWallSeconds:0.0} s from the triggers to the reading) put {memory.BurstLogBytes / 1048576.0:0.0} MiB into the {n} logs " +
            $"({memory.BurstLogBytes / 1048576.0 / options.BurstSeconds:0.0} MiB/s; each log keeps its last {WorkloadLimits.DefaultMaxLogSizeMb} MiB), " +
            $"{memory.BurstDroppedLines} line(s) dropped.");
        text.AppendLine();

        text.AppendLine("| latency, ms | lines received / expected | out of order | p50 | p90 | p99 | max | min | p50 / exec stream p50 |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var series in new[] { latency.Workload, latency.Exec, latency.Pipe })
        {
            var s = series.Latency;
            text.AppendLine($"| {s.Name} | {series.Received} / {series.Expected} | {series.OutOfOrder} | {F2(s.P50)} | {F2(s.P90)} | {F2(s.P99)} | " +
                $"{F2(s.Max)} | {F2(s.Min)} | {R2(s.P50, e.P50)} |");
        }
        text.AppendLine();
        var interval = latency.Workload.Received > 1 ? latency.Workload.SpanMs / latency.Workload.Received : double.NaN;
        text.AppendLine($"One line every {F(interval)} ms on average (10 ms of `usleep` plus the spawn of `ts`); " +
            (latency.Timeouts.Count == 0 ? "every round finished in time." : "rounds that ran out of time: " + string.Join("; ", latency.Timeouts) + "."));
        text.AppendLine();

        text.AppendLine("| throughput | lines received / expected | out of order | MiB/s of lines | lines/s | MiB/s on the wire | start -> last line, ms | first -> last line, ms | CPU ms: agent / hearthd / client | problem |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var f in throughput.Figures)
        {
            text.AppendLine($"| {f.Path} | {f.Received} / {f.Expected} | {f.OutOfOrder} | {F(f.LineMiBPerSecond)} | {f.LinesPerSecond.ToString("0", CultureInfo.InvariantCulture)} | " +
                $"{F(f.WireMiBPerSecond)} | {F(f.StartToLastMs)} | {F(f.FirstToLastMs)} | {F(f.AgentCpuMs)} / {F(f.HearthdCpuMs)} / {F(f.ClientCpuMs)} | {f.Problem ?? "none"} |");
        }
        text.AppendLine();
        text.AppendLine($"The workload's lines went into its log at the agent in {F(flood.IngestMs)} ms (the agent's timestamps of the first and last line); " +
            $"ratio of the workload stream's MiB/s of lines to the exec stream's: {R2(flood.LineMiBPerSecond, throughput.Figures[1].LineMiBPerSecond)}, to the pipe's: " +
            $"{R2(flood.LineMiBPerSecond, throughput.Figures[2].LineMiBPerSecond)}. A log event carries the line three times (`line`, `data`, `message`) " +
            "in JSON, an exec event base64 of a whole chunk.");
        return text.ToString();
    }
}
