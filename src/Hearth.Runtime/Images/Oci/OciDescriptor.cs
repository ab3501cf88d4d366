namespace Hearth.Runtime.Images.Oci;

/// <summary>A content descriptor (image-spec descriptor.md); <see cref="Digest"/> is validated sha256.</summary>
internal sealed record OciDescriptor(string MediaType, string Digest, long Size, string? Os, string? Architecture, IReadOnlyDictionary<string, string> Annotations)
{
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    public const string ContainerdNameAnnotation = "io.containerd.image.name";
}
