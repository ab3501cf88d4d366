using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hearth.Bench.Measurement;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// SSE throughput: one awk writing <see cref="BenchOptions.FloodMiB"/> MiB of 100-byte lines
/// (an 8-digit sequence number, a space, 90 x's, a newline) as fast as it can, delivered to one
/// client through a workload's log stream (<c>?since=0</c>, opened before the workload starts),
/// through <c>POST /exec/stream</c>, and through a bare <c>crun exec</c> pipe. Every line is
/// counted and its sequence number checked, so a lost, repeated or reordered line shows.
/// </summary>
internal sealed class LogThroughput(HearthdInstance hearthd, RuntimeWorkspace workspace, BenchOptions options, TextWriter progress)
{
    public const int LineBytes = 100;
    private readonly WorkloadApi api = new(hearthd);

    public long Lines => options.FloodMiB * 1048576L / LineBytes;
    public List<ThroughputFigures> Figures { get; } = [];

    private string Script => $"awk 'BEGIN {{ for (i = 0; i < {Lines}; i++) printf \"%08d {new string('x', LineBytes - 10)}\\n\", i }}'";

    /// <summary>Room for the whole flood in the workload's log (retention would otherwise drop its start before a slow reader got there).</summary>
    private int LogSizeMb => (int)Math.Min(1024, options.FloodMiB * 2L + 16);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Figures.Add(await MeasureAsync("workload log stream", WorkloadAsync, cancellationToken));
        Figures.Add(await MeasureAsync("exec stream (`POST /exec/stream`)", ExecAsync, cancellationToken));
        Figures.Add(await MeasureAsync("`crun exec` pipe", PipeAsync, cancellationToken));
        foreach (var f in Figures)
            progress.WriteLine($"workloads: flood via {f.Path}: {f.Received}/{f.Expected} lines, {f.LineMiBPerSecond:0.0} MiB/s{(f.Problem is null ? "" : ", " + f.Problem)}");
    }

    private delegate Task<(Counter Counter, double IngestMs, string? Problem)> FloodPath(Counter counter, CancellationToken cancellationToken);

    private async Task<ThroughputFigures> MeasureAsync(string name, FloodPath path, CancellationToken cancellationToken)
    {
        progress.WriteLine($"workloads: flood of {options.FloodMiB} MiB ({Lines} lines) via {name}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        var (agent0, hearthd0, bench0) = (ProcessCpu.Read(workspace.AgentPid).Own, ProcessCpu.ReadMs(hearthd.Pid), ProcessCpu.Read(Environment.ProcessId).Own);
        var counter = new Counter();
        (Counter Counter, double IngestMs, string? Problem) result;
        try
        {
            result = await path(counter, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = (counter, double.NaN, "ran out of time (3 min)");
        }
        catch (BenchException e)
        {
            result = (counter, double.NaN, e.Message);
        }
        var c = result.Counter;
        return new ThroughputFigures(name, Lines, c.Received, c.OutOfOrder, c.LineBytes, c.WireBytes,
            (c.LastMicros - c.StartMicros) / 1000.0, (c.LastMicros - c.FirstMicros) / 1000.0,
            ProcessCpu.Read(workspace.AgentPid).Own - agent0, ProcessCpu.ReadMs(hearthd.Pid) - hearthd0,
            ProcessCpu.Read(Environment.ProcessId).Own - bench0, result.Problem ?? (c.Received == Lines && c.OutOfOrder == 0 ? null : "lines lost or out of order"))
        { IngestMs = result.IngestMs };
    }

    private async Task<(Counter, double, string?)> WorkloadAsync(Counter counter, CancellationToken cancellationToken)
    {
        const string name = "flood";
        await api.CreateAsync(workspace.Id, WorkloadApi.ShellSpec(name, Script, autoStart: false, maxLogSizeMb: LogSizeMb), cancellationToken);
        try
        {
            using var response = await api.OpenLogStreamAsync(workspace.Id, name, "?since=0", cancellationToken);
            counter.StartMicros = UnixClock.NowMicros();
            var status = await api.StartAsync(workspace.Id, name, cancellationToken);
            if (status != "running") throw new BenchException($"workload {name} is {status} after its start");
            DateTimeOffset? firstStamp = null, lastStamp = null;
            await foreach (var e in SseReader.ReadAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken))
            {
                counter.WireBytes += e.WireBytes;
                using var data = JsonDocument.Parse(e.Data);
                var root = data.RootElement;
                if (root.TryGetProperty("gap", out _)) return (counter, double.NaN, $"a gap event: {e.Data}");
                if (!root.TryGetProperty("line", out var line)) continue;
                var text = line.GetString()!;
                if (root.GetProperty("stream").GetString() == "stdout")
                {
                    var stamp = DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
                    firstStamp ??= stamp;
                    lastStamp = stamp;
                    if (counter.Add(text, e.ReceivedMicros) == Lines) break;
                }
                else if (WorkloadNotes.IsEnd(text)) break;
            }
            return (counter, firstStamp is null ? double.NaN : (lastStamp!.Value - firstStamp.Value).TotalMilliseconds, null);
        }
        finally
        {
            await api.DeleteAsync(workspace.Id, name, CancellationToken.None);
        }
    }

    private async Task<(Counter, double, string?)> ExecAsync(Counter counter, CancellationToken cancellationToken)
    {
        using var exec = new ExecStreamClient(workspace.GatewayUrl, workspace.Token);
        var lines = new LineSplitter();
        counter.StartMicros = UnixClock.NowMicros();
        await foreach (var (stdout, received, wire) in exec.RunAsync(Script, cancellationToken))
        {
            counter.WireBytes += wire;
            foreach (var line in lines.Push(stdout))
                counter.Add(line, received);
        }
        return (counter, double.NaN, null);
    }

    private async Task<(Counter, double, string?)> PipeAsync(Counter counter, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("crun") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--root", hearthd.CrunRoot, "exec", workspace.Id, "sh", "-c", Script })
            info.ArgumentList.Add(argument);
        counter.StartMicros = UnixClock.NowMicros();
        using var process = Process.Start(info) ?? throw new BenchException("crun did not start");
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            // A buffer as large as the SSE reader's, so the bench reads the pipe as fast as it reads a stream.
            using var stdout = new StreamReader(process.StandardOutput.BaseStream, System.Text.Encoding.UTF8, false, 64 * 1024);
            while (await stdout.ReadLineAsync(cancellationToken) is { } line)
            {
                counter.WireBytes += line.Length + 1;
                counter.Add(line, UnixClock.NowMicros());
            }
            await process.WaitForExitAsync(cancellationToken);
            return (counter, double.NaN, process.ExitCode == 0 ? null : $"crun exec failed ({process.ExitCode}): {(await stderr).Trim()}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The flood's lines as one path delivered them.</summary>
    private sealed class Counter
    {
        private long next;
        public long StartMicros, FirstMicros, LastMicros, Received, OutOfOrder, LineBytes, WireBytes;

        /// <summary>Counts a line, and whether it is the one after the last (by its sequence number); returns how many have come.</summary>
        public long Add(string line, long receivedMicros)
        {
            if (FirstMicros == 0) FirstMicros = receivedMicros;
            LastMicros = receivedMicros;
            if (line.Length < 8 || !long.TryParse(line.AsSpan(0, 8), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
                sequence = -1;
            if (sequence != next) OutOfOrder++;
            next = sequence + 1;
            Received++;
            LineBytes += line.Length + 1;
            return Received;
        }
    }
}
