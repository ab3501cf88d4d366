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
}
