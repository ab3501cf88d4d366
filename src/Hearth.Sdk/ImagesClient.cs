using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hearth.Protocol.Errors;
using Hearth.Protocol.Images;
using Hearth.Protocol.Json;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk;

/// <summary>
/// The images of a Hearth host (<c>/workspace/images</c>): the catalogue, images imported from
/// archives or pulled from registries, and their maintenance; reached through
/// <see cref="WorkspacesClient.Images"/>. Build, import and pull report their steps as they
/// happen and return the image once it is ready.
/// </summary>
/// <example>
/// <code>
/// var catalogue = await client.Workspaces.Images.ListAsync();
/// foreach (var image in catalogue.Images.Where(i => i.Status == "ready"))
/// {
///     Console.WriteLine(image.Id);
/// }
/// </code>
/// </example>
public sealed class ImagesClient
{
    /// <summary>Final-line codes that mean the request was wrong (the server answers them with 400 elsewhere).</summary>
    private static readonly HashSet<string> ClientErrorCodes =
        [ErrorCodes.InvalidImage, ErrorCodes.Validation, "invalid_archive", "invalid_layer", "digest_mismatch"];

    /// <summary>Final-line codes of a registry's trouble (502 elsewhere).</summary>
    private static readonly HashSet<string> RegistryErrorCodes = ["registry_unreachable", "registry_auth_failed"];

    private readonly HearthConnection _connection;

    internal ImagesClient(HearthConnection connection) => _connection = connection;

    /// <summary>Lists the images a workspace can be created from: <c>GET /workspace/images</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The images and their categories.</returns>
    /// <example>
    /// <code>
    /// var names = (await client.Workspaces.Images.ListAsync()).Images.Select(i => i.Id);
    /// </code>
    /// </example>
    public Task<ImagesResponse> ListAsync(CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, ApiPaths.Images, content: null, HearthJsonContext.Default.ImagesResponse, cancellationToken);

    /// <summary>Reads one image by name, alias or registry reference: <c>GET /workspace/images/{name}</c>.</summary>
    /// <param name="name">A catalogue name, an alias, or the name of an imported or pulled image (may hold '/' and ':').</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The image, with its status, layers and (imported or pulled) manifest digest.</returns>
    /// <exception cref="HearthNotFoundException">No image has that name.</exception>
    /// <example>
    /// <code>
    /// var image = await client.Workspaces.Images.GetAsync("127.0.0.1:5000/demo:1");
    /// Console.WriteLine($"{image.Source} {image.Digest}: {image.Layers.Count} layers");
    /// </code>
    /// </example>
    public async Task<ImageInfo> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(HttpMethod.Get, ApiPaths.Image(name), content: null,
            HearthJsonContext.Default.ImageResponse, cancellationToken).ConfigureAwait(false);
        return response.Image;
    }

    /// <summary>
    /// Builds a catalogue image, or with <paramref name="rebuild"/> builds it again from its
    /// recipes: <c>POST /workspace/images/{name}/build</c>. Workspaces of the old build keep running
    /// on it; creates after the rebuild use the new one.
    /// </summary>
    /// <param name="name">A catalogue image or an alias of one.</param>
    /// <param name="rebuild">Build every layer anew instead of reusing the cached ones.</param>
    /// <param name="progress">Hears each step as the server reports it; may be null.</param>
    /// <param name="cancellationToken">Stops waiting; the build goes on on the server for whoever else waits on it.</param>
    /// <returns>The ready image.</returns>
    /// <exception cref="HearthNotFoundException">There is no catalogue image of that name.</exception>
    /// <exception cref="HearthApiException">The build failed (<c>image_build_failed</c>) or the stream broke.</exception>
    /// <example>
    /// <code>
    /// var image = await client.Workspaces.Images.BuildAsync("debian-12", rebuild: true,
    ///     new Progress&lt;string&gt;(step => Console.WriteLine(step)));
    /// Console.WriteLine(string.Join(", ", image.Software));
    /// </code>
    /// </example>
    public Task<ImageInfo> BuildAsync(string name, bool rebuild = false, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var path = ApiPaths.Image(name, "build") + (rebuild ? "?rebuild=true" : "");
        return StreamAsync(HttpMethod.Post, path, content: null, _connection.Timeout, progress, cancellationToken);
    }

    /// <summary>
    /// Imports an image from a <c>docker save</c> tar or an OCI image layout tar (either may be
    /// gzipped): <c>POST /workspace/images/import?name=</c>. The stream is sent as it is read, never
    /// buffered whole, and left open; the upload is bounded by <paramref name="cancellationToken"/> only.
    /// </summary>
    /// <param name="archive">The archive's bytes.</param>
    /// <param name="name">The image's name; null takes the archive's own (<c>RepoTags</c> or the <c>ref.name</c> annotation).</param>
    /// <param name="progress">Hears each step (reading the archive, each layer) as the server reports it; may be null.</param>
    /// <param name="cancellationToken">Cancels the upload or stops waiting for the outcome.</param>
    /// <returns>The imported image.</returns>
    /// <exception cref="HearthValidationException">
    /// The archive was refused: <c>invalid_archive</c> (corrupt, truncated, empty), <c>invalid_layer</c>
    /// (a path escaping the layer, an absolute path, a device node), <c>digest_mismatch</c>, or a bad name.
    /// </exception>
    /// <exception cref="HearthConflictException">The name is a catalogue image or an alias.</exception>
    /// <example>
    /// <code>
    /// await using var archive = File.OpenRead("app.tar");
    /// var image = await client.Workspaces.Images.ImportAsync(archive, "app:1",
    ///     new Progress&lt;string&gt;(Console.WriteLine));
    /// var ws = await client.Workspaces.CreateAsync(new CreateWorkspaceRequest { Image = image.Id });
    /// </code>
    /// </example>
    public Task<ImageInfo> ImportAsync(Stream archive, string? name = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var path = name is null ? ApiPaths.Images + "/import" : ApiPaths.Images + "/import?name=" + Uri.EscapeDataString(name);
        var content = new StreamContent(new KeepOpenStream(archive));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");

        // The headers come after the whole upload: only the caller's token bounds it.
        return StreamAsync(HttpMethod.Post, path, content, Timeout.InfiniteTimeSpan, progress, cancellationToken);
    }

    /// <summary>
    /// Pulls an image from an OCI registry (again, if a tag may have moved), sharing the layers already
    /// here: <c>POST /workspace/images/pull</c>. A create with a registry reference pulls it by itself.
    /// </summary>
    /// <param name="reference"><c>host[:port]/path[:tag|@sha256:digest]</c>; the host part is required.</param>
    /// <param name="progress">Hears each step (each layer with its size) as the server reports it; may be null.</param>
    /// <param name="cancellationToken">Stops waiting; the pull goes on on the server.</param>
    /// <returns>The pulled image, named by <paramref name="reference"/>.</returns>
    /// <exception cref="HearthValidationException"><c>invalid_image</c>: the registry has no such image; or the reference is malformed.</exception>
    /// <exception cref="HearthApiException"><c>registry_auth_failed</c> or <c>registry_unreachable</c> (status 502).</exception>
    /// <example>
    /// <code>
    /// var image = await client.Workspaces.Images.PullAsync("registry.example:5000/team/app:1.4");
    /// Console.WriteLine(image.Digest);
    /// </code>
    /// </example>
    public Task<ImageInfo> PullAsync(string reference, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        var content = HearthConnection.Json(new PullImageRequest { Reference = reference }, HearthJsonContext.Default.PullImageRequest);
        return StreamAsync(HttpMethod.Post, ApiPaths.Images + "/pull", content, _connection.Timeout, progress, cancellationToken);
    }

    /// <summary>
    /// Forgets an imported, pulled or built image: <c>DELETE /workspace/images/{name}</c>. Workspaces
    /// created from it keep running on its layers; <see cref="PruneAsync"/> frees layers nothing uses.
    /// </summary>
    /// <param name="name">The image's name or registry reference.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the image is gone.</returns>
    /// <exception cref="HearthNotFoundException">No image has that name.</exception>
    /// <exception cref="HearthConflictException">The name is an alias from hearthd's settings.</exception>
    /// <example>
    /// <code>
    /// await client.Workspaces.Images.RemoveAsync("app:1");
    /// var freed = await client.Workspaces.Images.PruneAsync();
    /// </code>
    /// </example>
    public Task RemoveAsync(string name, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, ApiPaths.Image(name), content: null, cancellationToken);

    /// <summary>Deletes the layers no image and no workspace uses: <c>POST /workspace/images/prune</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many layers went and the bytes they held.</returns>
    /// <exception cref="HearthConflictException">A build, import or pull is running; prune after it.</exception>
    /// <example>
    /// <code>
    /// var pruned = await client.Workspaces.Images.PruneAsync();
    /// Console.WriteLine($"{pruned.RemovedLayers} layers, {pruned.FreedBytes} bytes");
    /// </code>
    /// </example>
    public Task<PruneImagesResponse> PruneAsync(CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Post, ApiPaths.Images + "/prune", content: null, HearthJsonContext.Default.PruneImagesResponse, cancellationToken);

    /// <summary>Reads an NDJSON answer line by line as it arrives: steps to <paramref name="progress"/>, then the outcome.</summary>
    private async Task<ImageInfo> StreamAsync(
        HttpMethod method,
        string path,
        HttpContent? content,
        TimeSpan headersTimeout,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        using var response = await _connection.OpenAsync(method, path, content, headersTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(body, Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
            {
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                var line = Parse(response, text);
                if (line.Success is true)
                {
                    return line.Image ?? throw Invalid(response, "a successful final line carried no image", null);
                }

                if (line.Success is false)
                {
                    throw Failed(line);
                }

                if (line.Step is { } step)
                {
                    progress?.Report(step);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new HearthApiException($"The image stream broke: {ex.Message}", statusCode: null, HearthApiException.NetworkErrorCode, innerException: ex);
        }

        throw new HearthApiException("The image stream ended before its outcome.", statusCode: null, HearthApiException.NetworkErrorCode);
    }

    private static ImageProgressLine Parse(HttpResponseMessage response, string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, HearthJsonContext.Default.ImageProgressLine)
                ?? throw Invalid(response, "a line was null", null);
        }
        catch (JsonException ex)
        {
            throw Invalid(response, "a line is not a progress object", ex);
        }
    }

    /// <summary>The exception the same failure would have raised as an ordinary error response.</summary>
    private static HearthApiException Failed(ImageProgressLine line)
    {
        var code = string.IsNullOrEmpty(line.Error) ? ErrorCodes.Internal : line.Error;
        var message = string.IsNullOrEmpty(line.Message) ? code : line.Message;
        var status = code switch
        {
            _ when ClientErrorCodes.Contains(code) => HttpStatusCode.BadRequest,
            _ when RegistryErrorCodes.Contains(code) => HttpStatusCode.BadGateway,
            ErrorCodes.NotFound => HttpStatusCode.NotFound,
            ErrorCodes.Conflict => HttpStatusCode.Conflict,
            _ => HttpStatusCode.InternalServerError,
        };
        return ErrorMapper.Create(status, code, message, errors: null, available: null);
    }

    private static HearthApiException Invalid(HttpResponseMessage response, string what, Exception? inner) =>
        new($"The server's image stream is not the expected NDJSON: {what}.", response.StatusCode, HearthApiException.InvalidResponseCode, innerException: inner);
}
