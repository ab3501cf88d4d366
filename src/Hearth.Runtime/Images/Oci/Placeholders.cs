// TEMPORARY: the OCI helper's branch replaces this file (LayerExtractor, OciImage).
namespace Hearth.Runtime.Images.Oci;

internal sealed record OciLayerBlob(string DiffId, Func<Stream> OpenUncompressed);

internal sealed record OciImage(ImageConfig Config, IReadOnlyList<OciLayerBlob> Layers, string? SuggestedName, string ManifestDigest);

internal static class LayerExtractor
{
    public static void Extract(Stream tar, string treeDir, CancellationToken cancellationToken) => throw new NotImplementedException();
}

internal static class OciArchive
{
    public static Task<OciImage> OpenAsync(string path, string workDir, CancellationToken cancellationToken) => throw new NotImplementedException();
}

internal sealed record RegistryOptions
{
    public IReadOnlyDictionary<string, (string User, string Password)> Credentials { get; init; } = new Dictionary<string, (string, string)>();
    public IReadOnlySet<string> Insecure { get; init; } = new HashSet<string>();
}

internal sealed class RegistryClient(HttpClient http, RegistryOptions options)
{
    public Task<OciImage> PullAsync(string reference, string workDir, Action<string> progress, CancellationToken cancellationToken) =>
        throw new RuntimeException("registry_unreachable", $"not yet {http} {options}");
}
