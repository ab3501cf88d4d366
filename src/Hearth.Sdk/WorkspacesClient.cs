using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk.Internal;
using Hearth.Sdk.Runtime;

namespace Hearth.Sdk;

/// <summary>The workspace endpoints (<c>/workspace</c>); reached through <see cref="HearthClient.Workspaces"/>.</summary>
/// <example>
/// <code>
/// var ws = await client.Workspaces.CreateAsync(new CreateWorkspaceRequest
/// {
///     Image = "python-3.12",
///     Mode = WorkspaceMode.Temporary,
///     Config = new WorkspaceConfig { Cpus = 2, MemoryMb = 2048, Ttl = "30m" },
/// });
/// await client.Workspaces.StopAsync(ws.Id);
/// await client.Workspaces.DeleteAsync(ws.Id);
/// </code>
/// </example>
public sealed class WorkspacesClient
{
    private readonly HearthConnection _connection;

    internal WorkspacesClient(HearthConnection connection)
    {
        _connection = connection;
        Resources = new ResourcesClient(connection);
        Network = new NetworkClient(connection);
        Images = new ImagesClient(connection);
        Workloads = new WorkloadsClient(connection);
        Logs = new LogsClient(connection);
        Metrics = new MetricsClient(connection);
    }

    /// <summary>CPU, memory and disk of a workspace.</summary>
    public ResourcesClient Resources { get; }

    /// <summary>The private address and firewall of each workspace: <c>/workspace/{id}/network</c>.</summary>
    public NetworkClient Network { get; }

    /// <summary>The catalogue of images a workspace can be created from.</summary>
    public ImagesClient Images { get; }

    /// <summary>Supervised long-running processes inside a workspace, their logs and stats: <c>/workspace/{id}/workloads</c>.</summary>
    public WorkloadsClient Workloads { get; }

    /// <summary>A workspace's boot and cmd logs: <c>/workspace/{id}/logs</c>.</summary>
    public LogsClient Logs { get; }

    /// <summary>What a workspace uses (CPU, memory, disk, network), once or as a stream: <c>/workspace/{id}/stats</c>.</summary>
    public MetricsClient Metrics { get; }

    /// <summary>Creates a workspace: <c>POST /workspace</c>. Returns once it runs.</summary>
    /// <param name="request">The image and, optionally, name, mode and configuration.</param>
    /// <param name="cancellationToken">Cancels the call (the server may still finish creating).</param>
    /// <returns>The running workspace.</returns>
    /// <exception cref="HearthValidationException">Invalid fields, an unknown image or too little capacity.</exception>
    /// <example>
    /// <code>
    /// var ws = await client.Workspaces.CreateAsync(new CreateWorkspaceRequest
    /// {
    ///     Image = "node-20",
    ///     IdempotencyKey = jobId, // a retry with the same key returns the same workspace
    /// });
    /// </code>
    /// </example>
    public async Task<Workspace> CreateAsync(CreateWorkspaceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await _connection.SendAsync(
            HttpMethod.Post,
            ApiPaths.Workspaces,
            HearthConnection.Json(request, HearthJsonContext.Default.CreateWorkspaceRequest),
            HearthJsonContext.Default.WorkspaceResponse,
            cancellationToken).ConfigureAwait(false);
        return response.Workspace;
    }

    /// <summary>Reads one workspace: <c>GET /workspace/{id}</c>.</summary>
    /// <param name="id">The workspace id, such as <c>ws_abc123</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workspace.</returns>
    /// <exception cref="HearthNotFoundException">No workspace has that id.</exception>
    /// <example>
    /// <code>
    /// var ws = await client.Workspaces.GetAsync("ws_abc123");
    /// Console.WriteLine(ws.Info.InternalIp);
    /// </code>
    /// </example>
    public Task<Workspace> GetAsync(string id, CancellationToken cancellationToken = default) =>
        WorkspaceCallAsync(HttpMethod.Get, id, action: null, content: null, cancellationToken);

    /// <summary>Lists workspaces a page at a time: <c>GET /workspace</c>.</summary>
    /// <param name="query">Page, page size and filters; null for the server's defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page, with the total count.</returns>
    /// <example>
    /// <code>
    /// var page = await client.Workspaces.ListAsync(new ListWorkspacesQuery { Status = WorkspaceStatus.Running, Limit = 50 });
    /// foreach (var ws in page.Workspaces)
    /// {
    ///     Console.WriteLine(ws.Id);
    /// }
    /// </code>
    /// </example>
    public Task<WorkspaceListResponse> ListAsync(ListWorkspacesQuery? query = null, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, ApiPaths.List(query), content: null, HearthJsonContext.Default.WorkspaceListResponse, cancellationToken);

    /// <summary>Renames a workspace or replaces its metadata: <c>PUT /workspace/{id}</c>.</summary>
    /// <param name="id">The workspace id.</param>
    /// <param name="request">The fields to change; null fields are left as they are.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated workspace.</returns>
    /// <example>
    /// <code>
    /// await client.Workspaces.UpdateAsync("ws_abc123", new UpdateWorkspaceRequest { Name = "review-bot" });
    /// </code>
    /// </example>
    public Task<Workspace> UpdateAsync(string id, UpdateWorkspaceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WorkspaceCallAsync(
            HttpMethod.Put,
            id,
            action: null,
            HearthConnection.Json(request, HearthJsonContext.Default.UpdateWorkspaceRequest),
            cancellationToken);
    }

    /// <summary>Deletes a workspace and its disk: <c>DELETE /workspace/{id}</c>.</summary>
    /// <param name="id">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="HearthNotFoundException">No workspace has that id.</exception>
    /// <example>
    /// <code>
    /// await client.Workspaces.DeleteAsync("ws_abc123");
    /// </code>
    /// </example>
    public Task DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, ApiPaths.Workspace(id), content: null, cancellationToken);

    /// <summary>Starts a stopped workspace: <c>POST /workspace/{id}/start</c>.</summary>
    /// <param name="id">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workspace after the call.</returns>
    /// <example>
    /// <code>
    /// var ws = await client.Workspaces.StartAsync("ws_abc123");
    /// </code>
    /// </example>
    public Task<Workspace> StartAsync(string id, CancellationToken cancellationToken = default) =>
        WorkspaceCallAsync(HttpMethod.Post, id, "start", content: null, cancellationToken);

    /// <summary>Stops a workspace, keeping its disk: <c>POST /workspace/{id}/stop</c>.</summary>
    /// <param name="id">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workspace after the call.</returns>
    /// <example>
    /// <code>
    /// await client.Workspaces.StopAsync("ws_abc123");
    /// </code>
    /// </example>
    public Task<Workspace> StopAsync(string id, CancellationToken cancellationToken = default) =>
        WorkspaceCallAsync(HttpMethod.Post, id, "stop", content: null, cancellationToken);

    /// <summary>Stops and starts a workspace: <c>POST /workspace/{id}/restart</c>.</summary>
    /// <param name="id">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workspace after the call.</returns>
    /// <example>
    /// <code>
    /// await client.Workspaces.RestartAsync("ws_abc123");
    /// </code>
    /// </example>
    public Task<Workspace> RestartAsync(string id, CancellationToken cancellationToken = default) =>
        WorkspaceCallAsync(HttpMethod.Post, id, "restart", content: null, cancellationToken);

    /// <summary>Freezes a running workspace's processes: <c>POST /workspace/{id}/pause</c>.</summary>
    /// <param name="id">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workspace after the call.</returns>
    /// <exception cref="HearthConflictException">The workspace is not running.</exception>
    /// <example>
    /// <code>
    /// await client.Workspaces.PauseAsync("ws_abc123");
    /// </code>
    /// </example>
    public Task<Workspace> PauseAsync(string id, CancellationToken cancellationToken = default) =>
        WorkspaceCallAsync(HttpMethod.Post, id, "pause", content: null, cancellationToken);

    /// <summary>Thaws a paused workspace: <c>POST /workspace/{id}/resume</c>.</summary>
    /// <param name="id">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workspace after the call.</returns>
    /// <example>
    /// <code>
    /// await client.Workspaces.ResumeAsync("ws_abc123");
    /// </code>
    /// </example>
    public Task<Workspace> ResumeAsync(string id, CancellationToken cancellationToken = default) =>
        WorkspaceCallAsync(HttpMethod.Post, id, "resume", content: null, cancellationToken);

    /// <summary>What this host can still give: <c>GET /workspace/quota</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Limits, current usage and whether a create can succeed.</returns>
    /// <example>
    /// <code>
    /// var quota = await client.Workspaces.GetQuotaAsync();
    /// if (!quota.CanCreate)
    /// {
    ///     Console.WriteLine(quota.Reason);
    /// }
    /// </code>
    /// </example>
    public Task<QuotaResponse> GetQuotaAsync(CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, ApiPaths.Quota, content: null, HearthJsonContext.Default.QuotaResponse, cancellationToken);

    /// <summary>
    /// Opens a workspace's runtime API: mints a gateway token with
    /// <c>POST /workspace/{id}/runtime-api-access/enable</c> (which also turns the runtime API on) and
    /// returns a client for the gateway. The token is cached per workspace for 55 minutes, so calling
    /// this again is cheap; a token the gateway refuses (401) is renewed once, transparently.
    /// </summary>
    /// <param name="id">The workspace id.</param>
    /// <param name="force">Mint a new token even if a cached one is still fresh.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The runtime client of the workspace.</returns>
    /// <exception cref="HearthNotFoundException">No workspace has that id.</exception>
    /// <example>
    /// <code>
    /// var rt = await client.Workspaces.RuntimeAsync("ws_abc123");
    /// await foreach (var e in rt.Exec.StreamAsync(["npm", "test"]))
    /// {
    ///     if (e.Kind == ExecEventKind.Exit) Console.WriteLine($"exit {e.ExitCode}");
    /// }
    /// </code>
    /// </example>
    public async Task<RuntimeClient> RuntimeAsync(string id, bool force = false, CancellationToken cancellationToken = default)
    {
        ApiPaths.Workspace(id); // the same checks of the id as every other call, before anything is cached under it
        var tokens = _connection.RuntimeTokens.GetOrAdd(id, static (key, connection) => new RuntimeTokenSource(connection, key), _connection);
        try
        {
            await tokens.GetAsync(force, cancellationToken).ConfigureAwait(false);
        }
        catch (HearthNotFoundException)
        {
            // An unknown id (a typo, a deleted workspace) must not stay cached for the client's life.
            _connection.RuntimeTokens.TryRemove(new KeyValuePair<string, RuntimeTokenSource>(id, tokens));
            throw;
        }
        return new RuntimeClient(new RuntimeConnection(_connection, tokens));
    }

    private async Task<Workspace> WorkspaceCallAsync(
        HttpMethod method,
        string id,
        string? action,
        HttpContent? content,
        CancellationToken cancellationToken)
    {
        var path = ApiPaths.Workspace(id, action);
        var response = await _connection.SendAsync(method, path, content, HearthJsonContext.Default.WorkspaceResponse, cancellationToken)
            .ConfigureAwait(false);
        return response.Workspace;
    }
}
