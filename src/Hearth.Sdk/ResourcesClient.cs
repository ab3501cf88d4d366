using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk;

/// <summary>
/// The resources endpoints (<c>/workspace/{id}/resources</c>); reached through
/// <see cref="WorkspacesClient.Resources"/>.
/// </summary>
/// <example>
/// <code>
/// var resources = await client.Workspaces.Resources.GetAsync("ws_abc123");
/// await client.Workspaces.Resources.UpdateAsync("ws_abc123",
///     new UpdateResourcesRequest { MemoryMb = resources.MemoryMb * 2 });
/// </code>
/// </example>
public sealed class ResourcesClient
{
    private readonly HearthConnection _connection;

    internal ResourcesClient(HearthConnection connection) => _connection = connection;

    /// <summary>Reads a workspace's CPU, memory and disk: <c>GET /workspace/{id}/resources</c>.</summary>
    /// <param name="id">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The resources, with any disk size waiting for the next start.</returns>
    /// <example>
    /// <code>
    /// var r = await client.Workspaces.Resources.GetAsync("ws_abc123");
    /// Console.WriteLine($"{r.Cpus} CPUs, {r.MemoryMb} MB");
    /// </code>
    /// </example>
    public async Task<WorkspaceResources> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(
            HttpMethod.Get,
            ApiPaths.Workspace(id, "resources"),
            content: null,
            HearthJsonContext.Default.ResourcesResponse,
            cancellationToken).ConfigureAwait(false);
        return response.Resources;
    }

    /// <summary>
    /// Changes the fields that are set and leaves the rest: <c>PATCH /workspace/{id}/resources</c>.
    /// CPU and memory apply to a running workspace at once; a disk change waits for the next start.
    /// </summary>
    /// <param name="id">The workspace id.</param>
    /// <param name="request">The new values; null fields are left as they are.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The resources and which of them were applied live.</returns>
    /// <example>
    /// <code>
    /// var result = await client.Workspaces.Resources.UpdateAsync("ws_abc123", new UpdateResourcesRequest { Cpus = 4 });
    /// Console.WriteLine(string.Join(", ", result.AppliedLive ?? []));
    /// </code>
    /// </example>
    public Task<ResourcesResponse> UpdateAsync(string id, UpdateResourcesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _connection.SendAsync(
            HttpMethod.Patch,
            ApiPaths.Workspace(id, "resources"),
            HearthConnection.Json(request, HearthJsonContext.Default.UpdateResourcesRequest),
            HearthJsonContext.Default.ResourcesResponse,
            cancellationToken);
    }
}
