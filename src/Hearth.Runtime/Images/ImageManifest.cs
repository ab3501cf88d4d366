namespace Hearth.Runtime.Images;

/// <summary>What a built image is; written next to its rootfs as <c>manifest.json</c> once the build succeeded.</summary>
internal sealed record ImageManifest
{
    public required string Name { get; init; }
    public required DateTimeOffset BuiltAt { get; init; }
    public required long SizeBytes { get; init; }
    public required IReadOnlyList<string> Software { get; init; }
    public required double BuildSeconds { get; init; }
}

/// <summary>The state of one catalogue image on this host.</summary>
internal enum ImageStatus
{
    Missing,
    Building,
    Ready,
    Failed,
}

internal sealed record ImageState(IImageRecipe Recipe, ImageStatus Status, ImageManifest? Manifest, string? Error);
