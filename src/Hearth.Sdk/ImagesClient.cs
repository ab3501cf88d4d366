using Hearth.Protocol.Images;
using Hearth.Protocol.Json;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk;

/// <summary>The image catalogue (<c>/workspace/images</c>); reached through <see cref="WorkspacesClient.Images"/>.</summary>
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
}
