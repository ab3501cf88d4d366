using System.Globalization;
using System.Text;
using Hearth.Bench.Scenarios;
using static Hearth.Bench.Reporting.Markdown;

namespace Hearth.Bench.Reporting;

/// <summary>The images scenario's results as markdown (a section of <see cref="Report"/>): seconds for builds, MiB for sizes, ms for creates.</summary>
internal static class ImagesReport
{
    public static string Render(BenchOptions options, ImagesScenario images)
    {
        var text = new StringBuilder();
        var builds = images.Builds;
        var reference = images.Creates.First(c => c.Image == ImagesScenario.Reference).Create;
        var imageSizes = builds.Sum(b => b.SizeBytes);
        var distinct = builds.SelectMany(b => b.Layers).DistinctBy(l => l.Id).ToList();
        var totalBuild = builds.Sum(b => b.WallSeconds);
        var oneLayer = images.LayerSeries.FirstOrDefault(s => s.Layers == 1)?.Create;

        text.AppendLine("#### Images: the catalogue built cold, create -> running from each cached image, create cost per layer");
        text.AppendLine();
        text.AppendLine("A hearthd of its own with an empty image cache (`--images-dir` under artifacts/bench/, nothing prebuilt). " +
            "**Cold build**: each catalogue image in catalogue order (`GET /workspace/images`), one `POST /workspace/images/{name}/build` at a time, " +
            "timed from the request to the NDJSON answer's final line; the packages come from the registries this machine reaches, so a build's wall " +
            "time includes their downloads. An image finds the layers an earlier image built (same recipe on the same parents) and does not build them again: " +
            "its wall time is only for the layers marked *built*. Each layer's size, files and build seconds are its `layers/<id>/layer.json` " +
            "(build seconds: the recipe and the tree digest, not the image's version probe); an image's *cold from empty* cost is the sum of its layers' build seconds, " +
            "what it would take alone from an empty cache. " +
            $"**Create -> running**: hearthd warmed up with {images.WarmupCreates} busybox creates " +
            (images.WarmupCreates >= options.WarmupMax ? "(**the --warmup-max limit, maybe with hearthd still compiling**; " : "(until its JIT was idle; ") +
            $"its JIT thread used {F(images.JitMsWarmup)} ms CPU), " +
            $"then {options.ImageWarmup} untimed create(s) of each image, then {options.ImageCreates} rounds in which every image is created once " +
            "(`POST /workspace {\"image\": name}`, 201 with `status: running`, the API round trip timed in the bench) and deleted (untimed); taking turns puts " +
            "every image under the same load. A create answers when the container runs, not when an image's default command (a postgres or redis server) listens: " +
            $"for postgres images, {options.PostgresReadyRuns} more create(s) of each are timed until a TCP connect to the workspace's address, port 5432, is accepted " +
            "(a socket made inside the workspace's network namespace, so hearthd's firewall is not in the way) and then until `pg_isready -h 127.0.0.1` " +
            "(through `crun exec`, polled every 10 ms) exits 0; both from the start of the POST, on a fresh workspace disk (the first start runs initdb). " +
            "**Layers**: `docker save` archives made by the bench (layer 1 busybox, every further layer one small file; empty default command) imported through " +
            "`POST /workspace/images/import`, then created like the catalogue images: each layer is one idmapped mount in the workspace's overlay.");
        text.AppendLine();
        text.AppendLine($"Load average {images.LoadAtBuildStart} when the cold build started, {images.LoadAtBuildEnd} at its end; " +
            $"{images.LoadAtCreatesStart} when the creates started, {images.LoadAtCreatesEnd} after the postgres readiness, {images.LoadAtLayersEnd} after the layer series.");
        text.AppendLine();
        if (images.LeftOut.Count > 0)
        {
            text.AppendLine($"Only {string.Join(", ", images.Selected)} {(images.Selected.Count == 1 ? "was" : "were")} built and measured (`--images-only`; busybox always, for the ratios); " +
                $"left out: {string.Join(", ", images.LeftOut)}.");
            text.AppendLine();
        }
        if (images.LayersBeforeBuild > 0)
        {
            text.AppendLine($"**The image cache held {images.LayersBeforeBuild} layers before the first build: the cold figures are not cold.**");
            text.AppendLine();
        }

        var createRatios = images.Creates.Where(c => c.Image != ImagesScenario.Reference).Select(c => c.Create.P50 / reference.P50).ToList();
        var distinctBytes = distinct.Sum(l => l.SizeBytes);
        text.AppendLine($"**Cold build of {builds.Count} image(s): {Seconds(totalBuild)} s in all. layers/ takes {Mib(images.LayersDiskBytes)} MiB on disk " +
            $"({images.LayerCount} layer(s); {Mib(images.LayersApparentBytes)} MiB apparent) for images whose sizes add up to {Mib(imageSizes)} MiB: " +
            $"sharing saves {Mib(imageSizes - distinctBytes)} MiB ({P(1 - (double)distinctBytes / imageSizes)}). " +
            $"Create -> running p50: busybox {F(reference.P50)} ms" +
            (createRatios.Count > 0 ? $", the other images {R2(createRatios.Min(), 1)} to {R2(createRatios.Max(), 1)} of it" : "") +
            (oneLayer is not null && images.LayerSeries.LastOrDefault() is { } largest ? $"; {largest.Layers} layers / 1 layer: {R2(largest.Create.P50, oneLayer.P50)}" : "") +
            ".**");
        text.AppendLine();

        text.AppendLine("##### Cold build, in catalogue order");
        text.AppendLine();
        text.AppendLine("| image | wall, s | layers: built / shared | size, MiB | cold from empty, s (its layers' build s) | software |");
        text.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var build in builds)
            text.AppendLine($"| {build.Name} | {Seconds(build.WallSeconds)} | {build.Layers.Count(l => l.Built)} / {build.Layers.Count(l => !l.Built)} | " +
                $"{Mib(build.SizeBytes)} | {Seconds(build.ColdFromEmptySeconds)} | {string.Join(", ", build.Software)} |");
        text.AppendLine($"| **all {builds.Count}** | **{Seconds(totalBuild)}** | {distinct.Count} distinct | {Mib(imageSizes)} (sum) | " +
            $"{Seconds(builds.Sum(b => b.ColdFromEmptySeconds))} (sum) | |");
        text.AppendLine();
        text.AppendLine("Layers, bottom first (*shared*: built by an earlier image of the list, found by this one):");
        text.AppendLine();
        text.AppendLine("| image | # | layer | recipe | size, MiB | files | build, s | |");
        text.AppendLine("|---|---:|---|---|---:|---:|---:|---|");
        foreach (var build in builds)
        {
            foreach (var (layer, index) in build.Layers.Select((l, i) => (l, i + 1)))
                text.AppendLine($"| {build.Name} | {index} | `{layer.Id[..12]}` | {layer.Title} | {Mib(layer.SizeBytes)} | {layer.Files.ToString("N0", CultureInfo.InvariantCulture)} | " +
                    $"{Seconds(layer.BuildSeconds)} | {(layer.Built ? "built" : "shared")} |");
        }
        text.AppendLine();
        text.AppendLine("| on disk | MiB |");
        text.AppendLine("|---|---:|");
        text.AppendLine($"| `du -s` of layers/ (blocks; one du, so hard links count once) | {Mib(images.LayersDiskBytes)} |");
        text.AppendLine($"| `du -sb` of layers/ (apparent bytes) | {Mib(images.LayersApparentBytes)} |");
        text.AppendLine($"| sum of the {distinct.Count} distinct layers' size_bytes (file bytes, hard links once) | {Mib(distinctBytes)} |");
        text.AppendLine($"| sum of every image's size_bytes (what unshared copies would hold) | {Mib(imageSizes)} |");
        text.AppendLine($"| saved by sharing: image sizes - distinct layers | {Mib(imageSizes - distinctBytes)} ({P(1 - (double)distinctBytes / imageSizes)}) |");
        text.AppendLine();
        text.AppendLine("size_bytes counts file contents; `du -s` counts blocks, so many small files (a Debian tree) take more on disk than their bytes, " +
            "and an unshared copy would too: the saving is compared in size_bytes, like for like.");
        text.AppendLine();

        text.AppendLine($"##### Create -> running from each cached image, {options.ImageCreates} rounds");
        text.AppendLine();
        text.AppendLine("| image | default command | n | p50 | p90 | min | max | p50 / busybox p50 |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var series in images.Creates)
        {
            var s = series.Create;
            var command = series.DefaultCommand.Count == 0 ? "(none: the agent alone)" : "`" + string.Join(' ', series.DefaultCommand) + "`";
            text.AppendLine($"| {series.Image} | {command} | {s.Count} | **{F(s.P50)}** | {F(s.P90)} | {F(s.Min)} | {F(s.Max)} | {R2(s.P50, reference.P50)} |");
        }
        text.AppendLine();

        if (images.Postgres.Count > 0)
        {
            text.AppendLine($"##### Postgres images: create -> accepting connections, {options.PostgresReadyRuns} creates each");
            text.AppendLine();
            text.AppendLine("All from the start of the POST; the server's first start on a new workspace disk runs initdb first.");
            text.AppendLine();
            text.AppendLine("| image | create -> running p50 | TCP :5432 accepted: p50 | min | max | pg_isready exits 0: p50 | min | max |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var pg in images.Postgres)
            {
                var ready = pg.NoPgIsReady ? "no pg_isready in the image | | " : $"**{F(pg.PgIsReady.P50)}** | {F(pg.PgIsReady.Min)} | {F(pg.PgIsReady.Max)}";
                text.AppendLine($"| {pg.Image} | {F(pg.Create.P50)} | {F(pg.TcpAccepted.P50)} | {F(pg.TcpAccepted.Min)} | {F(pg.TcpAccepted.Max)} | {ready} |");
            }
            text.AppendLine();
        }

        text.AppendLine($"##### Create -> running against the number of layers, {options.ImageCreates} rounds");
        text.AppendLine();
        text.AppendLine("| image | layers | archive, KiB | import, ms | n | p50 | p90 | min | max | p50 / 1 layer p50 | p50 / busybox p50 |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var series in images.LayerSeries)
        {
            var s = series.Create;
            text.AppendLine($"| {series.Image} | {series.Layers} | {series.ArchiveBytes / 1024.0:0} | {F(series.ImportMs)} | {s.Count} | **{F(s.P50)}** | {F(s.P90)} | " +
                $"{F(s.Min)} | {F(s.Max)} | {R2(s.P50, oneLayer?.P50 ?? double.NaN)} | {R2(s.P50, reference.P50)} |");
        }
        if (images.LayerSeries.Count >= 2 && oneLayer is not null)
        {
            var most = images.LayerSeries[^1];
            text.AppendLine();
            text.AppendLine($"Per extra layer: ({F(most.Create.P50)} - {F(oneLayer.P50)}) / {most.Layers - 1} = " +
                $"{F2((most.Create.P50 - oneLayer.P50) / (most.Layers - 1))} ms at p50. The busybox p50 here is the catalogue image's, measured earlier in the run.");
        }
        return text.ToString();
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Seconds(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture);
}
