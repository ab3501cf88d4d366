namespace Hearth.Runtime.Images.Oci;

/// <summary>The media types Hearth reads (image-spec media-types.md; Docker's manifest v2 schema 2).</summary>
internal static class OciMediaTypes
{
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>Layers are tars, compressed or not; the extractor tells gzip from plain by magic bytes.</summary>
    public static bool IsLayer(string mediaType) =>
        mediaType.StartsWith("application/vnd.oci.image.layer.", StringComparison.Ordinal)
        || mediaType.StartsWith("application/vnd.docker.image.rootfs.", StringComparison.Ordinal);
}
