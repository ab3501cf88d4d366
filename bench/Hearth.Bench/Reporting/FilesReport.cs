using System.Globalization;
using System.Text;
using Hearth.Bench.Measurement;
using Hearth.Bench.Scenarios;
using static Hearth.Bench.Reporting.Markdown;

namespace Hearth.Bench.Reporting;

/// <summary>The files scenario's results as markdown (a section of <see cref="Report"/>): ms, MB/s for the 64 MiB rows, MiB for memory.</summary>
internal static class FilesReport
{
    public static string Render(BenchOptions options, FilesScenario files)
    {
        var text = new StringBuilder();
        var (small, large) = (files.Small, files.Large);
        var (s, n) = (options.FilesSmall, options.FilesLarge);
        text.AppendLine("#### Files: 4 KiB and 64 MiB written and read back through the runtime gateway vs `crun exec`, same workspace");
        text.AppendLine();
        text.AppendLine("One running busybox workspace; the content is random bytes (not UTF-8, so the JSON routes carry it as base64). " +
            "Hearth, from one HttpClient with the workspace's runtime token, request bodies built before the clock starts and replies read to their last byte: " +
            "`POST <gateway>/files/write {\"path\",\"content\":<base64>,\"encoding\":\"base64\"}` (201); `GET /files/read?path=`; for 64 MiB also " +
            $"`POST /files/transfer/upload?dest={FileSizeSeries.UploadDirectory}` of a one-file tar.gz (made beforehand) and `POST /files/transfer/download {{\"paths\":[…]}}`. " +
            "Baseline in the same container: `crun --root <data dir>/run/crun exec <workspace id> sh -c 'cat > FILE'` with the bytes on stdin, and " +
            "`crun … exec <workspace id> cat FILE` read to its end; and a durable write doing what hearthd's write does " +
            "(`cat > FILE.tmp && sync FILE.tmp && mv FILE.tmp FILE && sync DIR`: temporary file, fsync, rename, fsync of the directory). " +
            $"4 KiB: {s} sequential operations of each series, taking turns in blocks of {FilesScenario.Block} (writes of a block before its reads); " +
            $"64 MiB: {n} runs, each doing every series once (Hearth's write, read, upload and download, then crun's write, read and durable write), with an untimed `sync -f` of the workspace's file system " +
            "after each operation (so none pays for the writeback of the one before). " +
            $"hearthd was warmed up with {files.WarmupOperations} 4 KiB writes and reads and {FilesScenario.LargeWarmupRounds} untimed 64 MiB round " +
            $"(its JIT thread used {F(files.JitMsWarmup)} ms CPU meanwhile, and {F(files.JitMsRun)} ms during the measured series" +
            (files.WarmupSteady ? ")." : "; **the warm-up limit was reached with hearthd still compiling**: raise --files-warmup-max)."));
        text.AppendLine();
        text.AppendLine($"Bytes read back were compared with the bytes written, once per size and path before timing: {files.Verified.Count} checks, all equal " +
            "(" + string.Join("; ", files.Verified) + ").");
        text.AppendLine();

        text.AppendLine($"**Hearth / crun exec (lower is better): 4 KiB write p50 {R2(small.HearthWrite.Samples.P50, small.CrunWrite.Samples.P50)}, " +
            $"read p50 {R2(small.HearthRead.Samples.P50, small.CrunRead.Samples.P50)}; 64 MiB median write {R2(large.HearthWrite.Samples.P50, large.CrunWrite.Samples.P50)}, " +
            $"read {R2(large.HearthRead.Samples.P50, large.CrunRead.Samples.P50)}, upload {R2(large.Upload!.Samples.P50, large.CrunWrite.Samples.P50)}, " +
            $"download {R2(large.Download!.Samples.P50, large.CrunRead.Samples.P50)}.**");
        text.AppendLine();

        text.AppendLine($"| 4 KiB, {s} sequential | Hearth p50 | Hearth p99 | crun exec p50 | crun exec p99 | Hearth / crun exec, p50 | p99 |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        void SmallRow(string name, Samples hearth, Samples crun) =>
            text.AppendLine($"| {name} | {F2(hearth.P50)} | {F2(hearth.P99)} | {F2(crun.P50)} | {F2(crun.P99)} | {R2(hearth.P50, crun.P50)} | {R2(hearth.P99, crun.P99)} |");
        SmallRow("write: `POST /files/write` vs `cat > FILE`", small.HearthWrite.Samples, small.CrunWrite.Samples);
        SmallRow("read: `GET /files/read` vs `cat FILE`", small.HearthRead.Samples, small.CrunRead.Samples);
        SmallRow("write: `POST /files/write` vs the durable crun write", small.HearthWrite.Samples, small.CrunSyncWrite.Samples);
        text.AppendLine();

        text.AppendLine($"| 64 MiB, {n} runs | Hearth min / median / max | Hearth MB/s | crun exec min / median / max | crun exec MB/s | Hearth / crun exec, median |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        void LargeRow(string name, Samples hearth, Samples crun) =>
            text.AppendLine($"| {name} | {MinMedianMax(hearth)} | {MegabytesPerSecond(hearth.P50)} | {MinMedianMax(crun)} | {MegabytesPerSecond(crun.P50)} | {R2(hearth.P50, crun.P50)} |");
        LargeRow("write: `POST /files/write` vs `cat > FILE`", large.HearthWrite.Samples, large.CrunWrite.Samples);
        LargeRow("read: `GET /files/read` vs `cat FILE`", large.HearthRead.Samples, large.CrunRead.Samples);
        LargeRow("upload: `POST /files/transfer/upload` (tar.gz) vs `cat > FILE`", large.Upload.Samples, large.CrunWrite.Samples);
        LargeRow("download: `POST /files/transfer/download` (tar.gz) vs `cat FILE`", large.Download.Samples, large.CrunRead.Samples);
        LargeRow("write: `POST /files/write` vs the durable crun write", large.HearthWrite.Samples, large.CrunSyncWrite.Samples);
        LargeRow("upload vs the durable crun write", large.Upload.Samples, large.CrunSyncWrite.Samples);
        text.AppendLine();
        text.AppendLine($"MB/s: 10^6 bytes of file content ({FilesScenario.LargeSize:N0} bytes) per second, at the median. On the wire: the write body is " +
            $"{large.WriteBody.Length:N0} bytes, the read reply {large.ReadReplyBytes:N0}, the uploaded archive {large.Archive!.Length:N0}, the downloaded one {large.DownloadBytes:N0}.");
        text.AppendLine();

        text.AppendLine("CPU per operation: for Hearth, hearthd plus the workspace's agent (which does the file system work, and the gzip), the agent's part " +
            "also on its own; for crun, the crun processes the bench reaped with the sh, cat and sync they ran (the bench's own spawning and pipe copies " +
            "are left out, as the HTTP client's are for Hearth). Kernel ticks of 10 ms, summed over each stretch of a series.");
        text.AppendLine();
        text.AppendLine("| series | n | p50 | p90 | p99 | min | max | mean | CPU per op | of which the agent |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var series in new[] { small.HearthWrite, small.HearthRead, small.CrunWrite, small.CrunRead, small.CrunSyncWrite })
            Row(text, series, F2);
        foreach (var series in new[] { large.HearthWrite, large.HearthRead, large.Upload, large.Download, large.CrunWrite, large.CrunRead, large.CrunSyncWrite })
            Row(text, series, F);
        text.AppendLine();

        text.AppendLine("Resident memory (VmRSS, MiB) before each part, its peak during it (the highest of VmRSS read every " +
            $"{RssSampler.Interval.TotalMilliseconds:0} ms and VmHWM reset at the part's start" +
            (files.PeaksReset ? ")" : "; **the reset failed, so VmHWM is since the process started**)") + " and after it:");
        text.AppendLine();
        text.AppendLine("| process | verification round (the first 64 MiB operations): before / peak / after | 4 KiB series | 64 MiB series |");
        text.AppendLine("|---|---:|---:|---:|");
        text.AppendLine($"| hearthd | {Memory(files.VerifyHearthdMemory)} | {Memory(small.HearthdMemory)} | {Memory(large.HearthdMemory)} |");
        text.AppendLine($"| agent (PID 1 of the workspace) | {Memory(files.VerifyAgentMemory)} | {Memory(small.AgentMemory)} | {Memory(large.AgentMemory)} |");
        text.AppendLine();

        text.AppendLine($"p50 of each 4 KiB block of {FilesScenario.Block}, in the order run (a drift over the run shows here):");
        text.AppendLine();
        text.AppendLine("| block | " + string.Join(" | ", files.SmallBlockMedians.Select((_, i) => (i + 1).ToString(CultureInfo.InvariantCulture))) + " |");
        text.AppendLine("|---|" + string.Concat(files.SmallBlockMedians.Select(_ => "---:|")));
        var names = new[] { "Hearth write", "Hearth read", "crun exec `cat >`", "crun exec `cat`", "crun exec, durable write" };
        for (var i = 0; i < names.Length; i++)
            text.AppendLine($"| {names[i]} | " + string.Join(" | ", files.SmallBlockMedians.Select(b => F2(b[i]))) + " |");
        text.AppendLine();

        text.AppendLine(files.Errors.Count == 0
            ? "Failed file operations: none."
            : $"Failed file operations: {files.Errors.Count} (not in the figures); the first: " + string.Join("; ", files.Errors.Take(5).Select(e => $"`{e}`")));
        return text.ToString();
    }

    private static void Row(StringBuilder text, SeriesWithCpu? series, Func<double, string> format)
    {
        if (series is null) return;
        var samples = series.Samples;
        text.AppendLine($"| {samples.Name} | {samples.Count} | {format(samples.P50)} | {format(samples.P90)} | {format(samples.P99)} | " +
            $"{format(samples.Min)} | {format(samples.Max)} | {format(samples.Mean)} | {format(series.CpuMsPerOperation)} | " +
            (series.Name.StartsWith("Hearth", StringComparison.Ordinal) ? format(series.PartCpuMsPerOperation) : "") + " |");
    }

    private static string MinMedianMax(Samples samples) => $"{F(samples.Min)} / **{F(samples.P50)}** / {F(samples.Max)}";

    private static string MegabytesPerSecond(double ms) =>
        double.IsNaN(ms) || ms <= 0 ? "n/a" : (FilesScenario.LargeSize / 1e6 / (ms / 1000)).ToString("0", CultureInfo.InvariantCulture);

    private static string Memory((double Before, double Peak, double After) memory) =>
        $"{F(memory.Before)} / {F(memory.Peak)} / {F(memory.After)}";
}
