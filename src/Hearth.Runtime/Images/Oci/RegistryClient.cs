using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// Pulls an image from an OCI/Docker registry over the distribution API
/// (distribution-spec spec.md, "Pulling manifests" and "Pulling blobs"): the manifest (an index
/// or manifest list is narrowed to linux/amd64), then the config and the layers, each written to
/// <c>workDir</c> while its sha256 is checked. Nothing is trusted that was not checked: a manifest
/// fetched by digest must hash to it, every blob must hash to its descriptor's digest, and the
/// layers' diff_ids are checked when they are read.
/// </summary>
internal sealed partial class RegistryClient(HttpClient http, RegistryOptions options)
{
    private static readonly string ManifestAccept = string.Join(", ",
        OciMediaTypes.OciIndex, OciMediaTypes.OciManifest, OciMediaTypes.DockerManifestList, OciMediaTypes.DockerManifest);

    public async Task<OciImage> PullAsync(string reference, string workDir, Action<string> progress, CancellationToken cancellationToken)
    {
        var image = ImageReference.Parse(reference);
        var session = new Session(image, BaseUri(image.Registry));
        Directory.CreateDirectory(workDir);

        var (manifest, mediaType) = await GetManifestAsync(session, image.Reference, image.Digest, cancellationToken);
        var manifestDigest = Digest.Of(manifest);
        for (var depth = 0; OciMediaTypes.IsIndex(mediaType); depth++)
        {
            if (depth == 4) throw new RuntimeException("invalid_image", $"{image}: indexes nested too deep");
            var pick = OciDocuments.PickPlatform(OciDocuments.ReadIndex(manifest, "invalid_image", $"{image} index"))
                ?? throw new RuntimeException("invalid_image", $"{image}: the registry has no linux/amd64 image for it");
            (manifest, mediaType) = await GetManifestAsync(session, pick.Digest, pick.Digest, cancellationToken);
            manifestDigest = pick.Digest;
        }
        if (!OciMediaTypes.IsManifest(mediaType))
            throw new RuntimeException("invalid_image", $"{image}: manifest type {mediaType} is not supported (OCI or Docker schema 2 only)");

        var parsed = OciDocuments.ReadManifest(manifest, "invalid_image", $"{image} manifest");
        OciImage.CheckLayerCount(parsed.Layers.Count, image.ToString());
        if (parsed.Config.Size > OciDocuments.MaxDocumentBytes)
            throw new RuntimeException("invalid_image", $"{image}: the config blob is larger than {OciDocuments.MaxDocumentBytes} bytes");
        var configFile = await DownloadBlobAsync(session, parsed.Config, workDir, cancellationToken);
        var config = OciDocuments.ReadConfig(await File.ReadAllBytesAsync(configFile, cancellationToken), "invalid_image", $"{image} config");
        if (config.DiffIds.Count != parsed.Layers.Count)
            throw new RuntimeException("invalid_image", $"{image}: the config lists {config.DiffIds.Count} diff_ids for {parsed.Layers.Count} layers");

        var layers = new List<OciLayerBlob>();
        for (var i = 0; i < parsed.Layers.Count; i++)
        {
            var layer = parsed.Layers[i];
            progress($"layer {i + 1}/{parsed.Layers.Count} {Digest.Short(layer.Digest)} {FormatSize(layer.Size)}");
            var file = await DownloadBlobAsync(session, layer, workDir, cancellationToken);
            layers.Add(OciLayerBlob.FromFile(file, config.DiffIds[i], layer.Digest));
        }
        return new OciImage { Config = config.Runtime, Layers = layers, ManifestDigest = manifestDigest, SuggestedName = image.ToString() };
    }

    /// <summary>Loopback registries and the configured insecure ones speak plain http; the rest https.</summary>
    private Uri BaseUri(string registry)
    {
        var host = registry.StartsWith('[') ? registry[..(registry.IndexOf(']', StringComparison.Ordinal) + 1)] : registry.Split(':')[0];
        var loopback = host == "localhost" || host == "[::1]" || host.StartsWith("127.", StringComparison.Ordinal);
        var scheme = loopback || options.Insecure.Contains(registry) ? "http" : "https";
        return new Uri($"{scheme}://{registry}/v2/");
    }

    private Task<(byte[] Body, string? MediaType)> GetManifestAsync(Session session, string reference, string? expectedDigest, CancellationToken cancellationToken) =>
        RequestAsync(session, "manifest", async watchdog =>
        {
            using var response = await SendAsync(session, $"{session.Image.Repository}/manifests/{reference}", ManifestAccept, watchdog);
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new RuntimeException("invalid_image", $"{session.Image}: not found in the registry");
            EnsureSuccess(response, session, "manifest");
            var body = await ReadDocumentAsync(response, "invalid_image", $"{session.Image}: the manifest", watchdog);
            if (expectedDigest is not null && Digest.Of(body) != expectedDigest)
                throw new RuntimeException("digest_mismatch", $"{session.Image} manifest: expected {expectedDigest} got {Digest.Of(body)}");
            var declared = OciDocuments.MediaTypeOf(body, "invalid_image", $"{session.Image} manifest");
            return (body, declared ?? response.Content.Headers.ContentType?.MediaType);
        }, cancellationToken);

    /// <summary>
    /// A document (manifest, index, token reply) read into memory, at most
    /// <see cref="OciDocuments.MaxDocumentBytes"/> whatever the reply says of its length (a chunked
    /// reply says nothing), each read bounded by the watchdog.
    /// </summary>
    private static async Task<byte[]> ReadDocumentAsync(HttpResponseMessage response, string code, string what, Watchdog watchdog)
    {
        if (response.Content.Headers.ContentLength > OciDocuments.MaxDocumentBytes)
            throw new RuntimeException(code, $"{what} is larger than {OciDocuments.MaxDocumentBytes} bytes");
        watchdog.Reset();
        await using var body = await response.Content.ReadAsStreamAsync(watchdog.Token);
        using var document = new MemoryStream();
        var chunk = new byte[16384];
        while (true)
        {
            watchdog.Reset();
            var read = await body.ReadAsync(chunk, watchdog.Token);
            if (read == 0) return document.ToArray();
            if (document.Length + read > OciDocuments.MaxDocumentBytes)
                throw new RuntimeException(code, $"{what} is larger than {OciDocuments.MaxDocumentBytes} bytes");
            document.Write(chunk, 0, read);
        }
    }

    /// <summary>
    /// A blob written to <c>workDir/blobs</c>, never more than its descriptor's size (a registry
    /// that sends more is cut off: it cannot fill the disk) and checked against its digest.
    /// </summary>
    private async Task<string> DownloadBlobAsync(Session session, OciDescriptor blob, string workDir, CancellationToken cancellationToken)
    {
        var target = Path.Combine(workDir, "blobs", Digest.Hex(blob.Digest, "invalid_image", "blob"));
        if (File.Exists(target)) return target;
        var what = $"{session.Image} blob {Digest.Short(blob.Digest)}";
        if (blob.Size < 0) throw new RuntimeException("invalid_image", $"{what}: the manifest gives no size for it");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + ".partial";
        try
        {
            await RequestAsync(session, $"blob {Digest.Short(blob.Digest)}", async watchdog =>
            {
                using var response = await SendAsync(session, $"{session.Image.Repository}/blobs/{blob.Digest}", null, watchdog);
                if (response.StatusCode == HttpStatusCode.NotFound)
                    throw new RuntimeException("invalid_image", $"{session.Image}: blob {blob.Digest} not found in the registry");
                EnsureSuccess(response, session, $"blob {Digest.Short(blob.Digest)}");
                if (response.Content.Headers.ContentLength > blob.Size)
                    throw TooLong(what, blob.Size);
                var buffer = ArrayPool<byte>.Shared.Rent(81920);
                try
                {
                    watchdog.Reset();
                    await using var body = await response.Content.ReadAsStreamAsync(watchdog.Token);
                    await using var verifying = new VerifyingStream(body, blob.Digest, what);
                    await using var output = File.Create(partial);
                    long total = 0;
                    while (true)
                    {
                        watchdog.Reset();
                        var read = await verifying.ReadAsync(buffer, watchdog.Token);
                        if (read == 0) break;
                        total += read;
                        if (total > blob.Size) throw TooLong(what, blob.Size);
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                return true;
            }, cancellationToken);
            File.Move(partial, target);
            return target;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static RuntimeException TooLong(string what, long size) =>
        new("digest_mismatch", $"{what}: the registry sends more than the {size} bytes its descriptor gives");

    /// <summary>
    /// Runs one request to the registry (its auth round trips included) under a fresh
    /// <see cref="Watchdog"/> and turns transport failures into the contract's codes: a refused
    /// connection or a broken one is <c>registry_unreachable</c>, a stall too; a connection the
    /// <see cref="ConnectAsync">connect rule</see> refused keeps its own code. The caller's token
    /// cancels as it is (an <see cref="OperationCanceledException"/>).
    /// </summary>
    private async Task<T> RequestAsync<T>(Session session, string what, Func<Watchdog, Task<T>> run, CancellationToken cancellationToken)
    {
        using var watchdog = new Watchdog(options.IdleTimeout, cancellationToken);
        var registry = session.Image.Registry;
        try
        {
            return await run(watchdog);
        }
        catch (OperationCanceledException e) when (watchdog.Fired)
        {
            throw new RuntimeException("registry_unreachable",
                $"{registry}: {what} stalled: no data for {options.IdleTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s", e);
        }
        catch (HttpRequestException e) when (e.InnerException is RuntimeException refused)
        {
            throw new RuntimeException(refused.Code, refused.Message, e);
        }
        catch (Exception e) when (e is HttpRequestException or HttpIOException)
        {
            throw Unreachable(registry, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout: no complete answer in time though bytes kept coming.
            throw new RuntimeException("registry_unreachable", $"{registry}: {what}: no answer in time", e);
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, Session session, string what)
    {
        if (response.IsSuccessStatusCode) return;
        var code = (int)response.StatusCode;
        throw code >= 500
            ? new RuntimeException("registry_unreachable", $"{session.Image.Registry}: {what} answered {code} {response.ReasonPhrase}")
            : new RuntimeException("invalid_image", $"{session.Image}: {what} answered {code} {response.ReasonPhrase}");
    }

    private static RuntimeException Unreachable(string registry, Exception e)
    {
        var refused = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
        return new RuntimeException("registry_unreachable", refused ? $"{registry}: connection refused" : $"{registry}: {e.Message}", e);
    }

    private static string FormatSize(long bytes) => bytes < 0 ? "size unknown"
        : bytes >= 1 << 20 ? (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB"
        : (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB";

    /// <summary>
    /// The idle timeout of one request: its token cancels when no byte arrived for
    /// <c>idle</c> since the last <see cref="Reset"/> (called before every read), or when the
    /// caller's token cancels.
    /// </summary>
    private sealed class Watchdog(TimeSpan idle, CancellationToken caller) : IDisposable
    {
        private readonly CancellationTokenSource source = CancellationTokenSource.CreateLinkedTokenSource(caller);

        public CancellationToken Token => source.Token;

        /// <summary>The watchdog, not the caller, cancelled.</summary>
        public bool Fired => source.IsCancellationRequested && !caller.IsCancellationRequested;

        public void Reset() => source.CancelAfter(idle);

        public void Dispose() => source.Dispose();
    }

    /// <summary>One pull: the reference, the registry's base URI and the Authorization earned so far (reused by every later request).</summary>
    private sealed class Session(ImageReference image, Uri baseUri)
    {
        public ImageReference Image { get; } = image;
        public Uri BaseUri { get; } = baseUri;
        public AuthenticationHeaderValue? Authorization { get; set; }
    }
}
