namespace Hearth.Bench.Scenarios;

/// <summary>
/// One layer of an image as its <c>layers/&lt;id&gt;/layer.json</c> describes it, and whether this
/// image's cold build made it (<see cref="Built"/>) or found it made by an earlier image.
/// </summary>
internal sealed record LayerFigures(string Id, string Title, long SizeBytes, long Files, double BuildSeconds, bool Built);
