namespace Hearth.Bench.Scenarios;

/// <summary>One catalogue image's cold build: <c>POST /workspace/images/{name}/build</c> into a cache holding only the images built before it.</summary>
internal sealed record ImageBuildFigures(string Name, double WallSeconds, IReadOnlyList<LayerFigures> Layers, long SizeBytes, IReadOnlyList<string> Software)
{
    /// <summary>What this image costs built alone from an empty cache: the build seconds of all its layers (build and digest, as layer.json records them).</summary>
    public double ColdFromEmptySeconds => Layers.Sum(l => l.BuildSeconds);
}
