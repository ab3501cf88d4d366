namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// An image read from an archive or pulled from a registry, its blobs in the caller's work
/// folder: the runtime defaults from its config, its layers bottom first, a name the archive
/// suggests (<c>docker save</c>'s first RepoTag, or an OCI ref annotation) and the digest of its
/// manifest (for a legacy <c>docker save</c>, which has none, the digest of its config).
/// </summary>
internal sealed record OciImage
{
    public required ImageConfig Config { get; init; }
    public required IReadOnlyList<OciLayerBlob> Layers { get; init; }
    public string? SuggestedName { get; init; }
    public required string ManifestDigest { get; init; }

    /// <summary>
    /// The most layers an image may have: a workspace's root is one overlay mount whose
    /// <c>lowerdir=</c> lists a path per layer (<c>MountStack</c>: the workspace's <c>lower/N</c>),
    /// and mount(2) copies its options into a single page (4096 bytes), which 64 such paths
    /// about fill. Refused at import and pull, not when a workspace first starts on the image.
    /// </summary>
    public const int MaxLayers = 64;

    /// <summary>Refuses an image of more than <see cref="MaxLayers"/> layers (<c>invalid_image</c>) before any of them is read.</summary>
    public static void CheckLayerCount(int layers, string what)
    {
        if (layers > MaxLayers)
            throw new RuntimeException("invalid_image", $"{what}: {layers} layers; at most {MaxLayers} (one overlay mount stacks them all)");
    }
}
