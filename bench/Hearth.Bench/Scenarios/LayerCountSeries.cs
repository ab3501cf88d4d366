using Hearth.Bench.Measurement;

namespace Hearth.Bench.Scenarios;

/// <summary>An imported synthetic image of <see cref="Layers"/> tiny layers (<see cref="SyntheticImage"/>) and its creates.</summary>
internal sealed class LayerCountSeries(int layers)
{
    public int Layers { get; } = layers;
    public string Image => $"bench-layers-{Layers}";
    public long ArchiveBytes { get; set; }
    /// <summary><c>POST /workspace/images/import</c> of the archive, upload to final NDJSON line.</summary>
    public double ImportMs { get; set; } = double.NaN;
    public long SizeBytes { get; set; }
    public Samples Create { get; } = new($"create -> running, {layers} layer(s)");
}
