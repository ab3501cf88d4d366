using System.Diagnostics;
using System.Text.Json;
using Hearth.Bench.Measurement;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Log-stream latency: the same stamped-line script (<see cref="StampedLines"/>) run as a
/// workload whose log a client follows (<c>GET /workspace/:id/workloads/:wid/logs/stream</c>),
/// as a streamed exec through the runtime gateway (<c>POST /exec/stream</c>, the baseline: the
/// same server's other SSE of a process's output, without the disk between), and through a bare
/// <c>crun exec</c> pipe (the floor: the script's own delay and nothing else), taking turns round
/// by round. Each line's latency is its receive time in the bench minus its stamp.
/// </summary>
internal sealed class LogLatency(HearthdInstance hearthd, RuntimeWorkspace workspace, BenchOptions options, TextWriter progress)
{
    /// <summary>Lines of the unrecorded warm-up round of each path.</summary>
    public const int WarmupLines = 100;
    private readonly WorkloadApi api = new(hearthd);

    public LatencySeries Workload { get; } = new("workload log stream, `GET .../workloads/:wid/logs/stream`");
    public LatencySeries Exec { get; } = new("exec stream, `POST /exec/stream` (baseline)");
    public LatencySeries Pipe { get; } = new("`crun exec` pipe (floor)");
    /// <summary>Rounds that ran out of time before all their lines came (their lines are still counted).</summary>
    public List<string> Timeouts { get; } = [];

    /// <summary>Lines every 10 ms, plus the spawns of adjtimex and usleep: allow four times as long, and half a minute.</summary>
    private TimeSpan RoundTimeout => TimeSpan.FromMilliseconds(options.LatencyLines * 40.0) + TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var exec = new ExecStreamClient(workspace.GatewayUrl, workspace.Token);
        // Warm-up, not recorded: hearthd's first log stream and exec stream JIT-compile their code.
        var warmup = StampedLines.Script(WarmupLines);
        await RoundAsync(new LatencySeries("warm-up"), new LatencySeries("warm-up"), new LatencySeries("warm-up"), "latency-warmup", WarmupLines, warmup, exec, cancellationToken);
        var script = StampedLines.Script(options.LatencyLines);
        for (var round = 1; round <= options.LatencyRounds; round++)
        {
            await RoundAsync(Workload, Exec, Pipe, $"latency-{round}", options.LatencyLines, script, exec, cancellationToken);
            progress.WriteLine($"workloads: latency round {round}/{options.LatencyRounds}, p50 so far: workload stream {Workload.Latency.P50:0.00}, " +
                $"exec stream {Exec.Latency.P50:0.00}, crun exec pipe {Pipe.Latency.P50:0.00} ms");
        }
    }

    private async Task RoundAsync(LatencySeries workload, LatencySeries exec, LatencySeries pipe, string name, int lines, string script,
        ExecStreamClient client, CancellationToken cancellationToken)
    {
        await TimedRoundAsync(workload, lines, token => WorkloadRoundAsync(workload, name, script, token), cancellationToken);
        await TimedRoundAsync(exec, lines, token => ExecRoundAsync(exec, client, script, token), cancellationToken);
        await TimedRoundAsync(pipe, lines, token => PipeRoundAsync(pipe, script, token), cancellationToken);
    }

    private async Task TimedRoundAsync(LatencySeries series, int lines, Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RoundTimeout);
        series.BeginRound(lines);
        try
        {
            await run(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Timeouts.Add($"{series.Latency.Name}, a round of {lines} lines");
        }
        series.EndRound();
    }

    /// <summary>
    /// The workload is created stopped, its log stream opened (it starts at the log's end), then
    /// the workload started, so every line is one the stream delivers live.
    /// </summary>
    private async Task WorkloadRoundAsync(LatencySeries series, string name, string script, CancellationToken cancellationToken)
    {
        await api.CreateAsync(workspace.Id, WorkloadApi.ShellSpec(name, script, autoStart: false), cancellationToken);
        try
        {
            using var response = await api.OpenLogStreamAsync(workspace.Id, name, "", cancellationToken);
            var status = await api.StartAsync(workspace.Id, name, cancellationToken);
            if (status != "running") throw new BenchException($"workload {name} is {status} after its start");
            await foreach (var e in SseReader.ReadAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken))
            {
                using var data = JsonDocument.Parse(e.Data);
                if (!data.RootElement.TryGetProperty("line", out var line)) continue;
                var stream = data.RootElement.GetProperty("stream").GetString();
                if (stream == "stdout" && series.Add(line.GetString(), e.ReceivedMicros)) break;
                if (stream == "system" && WorkloadNotes.IsEnd(line.GetString()!)) break;
            }
        }
        finally
        {
            await api.DeleteAsync(workspace.Id, name, CancellationToken.None);
        }
    }

    private async Task ExecRoundAsync(LatencySeries series, ExecStreamClient exec, string script, CancellationToken cancellationToken)
    {
        var lines = new LineSplitter();
        await foreach (var (stdout, received, _) in exec.RunAsync(script, cancellationToken))
            foreach (var line in lines.Push(stdout))
                series.Add(line, received);
    }

    private async Task PipeRoundAsync(LatencySeries series, string script, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("crun") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--root", hearthd.CrunRoot, "exec", workspace.Id, "sh", "-c", script })
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new BenchException("crun did not start");
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
                series.Add(line, UnixClock.NowMicros());
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0) throw new BenchException($"crun exec of the stamped lines failed ({process.ExitCode}): {(await stderr).Trim()}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
