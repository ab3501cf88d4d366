namespace Hearth.Runtime.Images;

/// <summary>Where an image came from.</summary>
internal static class ImageSources
{
    public const string Catalog = "catalog";
    public const string Import = "import";
    public const string Registry = "registry";
}

/// <summary>
/// A ready image: <c>refs/&lt;sha256 of name&gt;.json</c>. It names its layers by id, so a
/// rebuild writes a new record over new layers while workspaces keep the layers they pinned.
/// </summary>
internal sealed record ImageRecord
{
    public required string Name { get; init; }
    public required string Source { get; init; }
    /// <summary>Layer ids, bottom first.</summary>
    public required IReadOnlyList<string> Layers { get; init; }
    public ImageConfig Config { get; init; } = new();
    public IReadOnlyList<string> Software { get; init; } = [];
    public required long SizeBytes { get; init; }
    public required DateTimeOffset BuiltAt { get; init; }
    public double BuildSeconds { get; init; }
    /// <summary>For a catalogue image: the digest of the recipes it was built from (a changed recipe means a rebuild).</summary>
    public string? Recipe { get; init; }
    /// <summary>The OCI manifest digest for imported and pulled images.</summary>
    public string? Digest { get; init; }
}

/// <summary>The state of one catalogue image on this host.</summary>
internal enum ImageStatus
{
    Missing,
    Building,
    Ready,
    Failed,
}

/// <summary>What a workspace keeps of its image: the layer ids (bottom first) and the image's settings.</summary>
internal sealed record ImagePin(IReadOnlyList<string> Layers, ImageConfig Config)
{
    public static ImagePin Of(ImageRecord image) => new(image.Layers, image.Config);
}
