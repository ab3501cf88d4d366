using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk;

/// <summary>
/// A workspace's private address and firewall (<c>/workspace/{id}/network</c>); reached through
/// <see cref="WorkspacesClient.Network"/>. Nothing reaches a workspace until its <c>ingress</c>
/// admits the caller; <c>egress</c> limits what it reaches.
/// </summary>
/// <example>
/// <code>
/// // Let only the agent's workspace reach the data workspace, on the postgres port.
/// var agent = await client.Workspaces.GetAsync("ws_agent");
/// await client.Workspaces.Network.UpdateAsync("ws_data", new UpdateNetworkRequest
/// {
///     Ingress = [agent.Info.InternalIp!],
///     IngressPorts = [5432],
/// });
/// </code>
/// </example>
public sealed class NetworkClient
{
    private readonly HearthConnection _connection;

    internal NetworkClient(HearthConnection connection) => _connection = connection;

    /// <summary>Reads the workspace's address and rules: <c>GET /workspace/{id}/network</c>.</summary>
    /// <param name="id">The workspace id or slug.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The address, gateway, rules and private links.</returns>
    /// <example>
    /// <code>
    /// var net = await client.Workspaces.Network.GetAsync("ws_abc123");
    /// Console.WriteLine($"{net.Ip} via {net.Gateway}, internet: {net.AllowInternet}");
    /// </code>
    /// </example>
    public Task<WorkspaceNetworkResponse> GetAsync(string id, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(
            HttpMethod.Get,
            ApiPaths.Workspace(id, "network"),
            content: null,
            HearthJsonContext.Default.WorkspaceNetworkResponse,
            cancellationToken);

    /// <summary>
    /// Changes the fields that are set: <c>PATCH /workspace/{id}/network</c>. A list given
    /// replaces the old one (an empty list clears it); new connections follow at once, open
    /// ones are kept.
    /// </summary>
    /// <param name="id">The workspace id or slug.</param>
    /// <param name="request">The new values; null fields are left as they are.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The network settings after the change.</returns>
    /// <exception cref="HearthValidationException">An entry is malformed (the error names it), or a list has more than 50 entries.</exception>
    /// <example>
    /// <code>
    /// // Air-gap a workspace: nothing out, nothing in.
    /// await client.Workspaces.Network.UpdateAsync("ws_abc123",
    ///     new UpdateNetworkRequest { AllowInternet = false, Egress = [], Ingress = [] });
    /// </code>
    /// </example>
    public Task<WorkspaceNetworkResponse> UpdateAsync(string id, UpdateNetworkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _connection.SendAsync(
            HttpMethod.Patch,
            ApiPaths.Workspace(id, "network"),
            HearthConnection.Json(request, HearthJsonContext.Default.UpdateNetworkRequest),
            HearthJsonContext.Default.WorkspaceNetworkResponse,
            cancellationToken);
    }
}
