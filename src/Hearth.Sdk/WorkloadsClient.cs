using Hearth.Protocol.Json;
using Hearth.Protocol.Workloads;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk;

/// <summary>
/// Supervised long-running processes inside a workspace (<c>/workspace/{id}/workloads</c>); reached
/// through <see cref="WorkspacesClient.Workloads"/>. The workspace's agent owns them: they restart by
/// their policy, keep running while hearthd restarts, and come back with the workspace. A workload's
/// name works wherever its id does. Every call needs the workspace to run
/// (<see cref="HearthConflictException"/> <c>workspace_not_running</c> otherwise).
/// </summary>
/// <example>
/// <code>
/// var api = await client.Workspaces.Workloads.CreateAsync("ws_abc123", new WorkloadSpec
/// {
///     Name = "api",
///     Cmd = ["node", "server.js"],
///     Env = new Dictionary&lt;string, string&gt; { ["PORT"] = "8080" },
///     WorkingDir = "/app",
///     RestartPolicy = WorkloadRestartPolicy.Always,
/// });
/// await foreach (var line in client.Workspaces.Workloads.FollowLogsAsync("ws_abc123", "api", tail: 20, ct))
/// {
///     Console.WriteLine(line.Line);
/// }
/// </code>
/// </example>
public sealed partial class WorkloadsClient
{
    // A stop waits for the workload to end: its grace period plus this much bounds the call.
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(30);

    private readonly HearthConnection _connection;

    internal WorkloadsClient(HearthConnection connection) => _connection = connection;

    /// <summary>
    /// Creates a workload and, unless <see cref="WorkloadSpec.AutoStart"/> is false, starts it:
    /// <c>POST /workspace/{id}/workloads</c>. A program that cannot run (missing, not executable, an
    /// unknown user) still creates it, as <c>failed</c> with the reason in <see cref="WorkloadInfo.Error"/>.
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="spec">The definition: a name and a command at least; the other fields have the API's defaults.</param>
    /// <param name="cancellationToken">Cancels the call (the server may still create it).</param>
    /// <returns>The new workload.</returns>
    /// <exception cref="HearthValidationException">A bad field (an unknown restart policy, an empty command, a relative working directory ...); the error names each.</exception>
    /// <exception cref="HearthConflictException"><c>workload_exists</c> (the name or id is taken), <c>workload_limit</c> (64 per workspace), or the workspace is not running.</exception>
    /// <example>
    /// <code>
    /// var worker = await client.Workspaces.Workloads.CreateAsync("ws_abc123", new WorkloadSpec
    /// {
    ///     Name = "worker",
    ///     Cmd = ["python", "-u", "worker.py"],
    ///     RestartPolicy = WorkloadRestartPolicy.OnFailure,
    ///     MaxRestarts = 5,
    /// });
    /// Console.WriteLine($"{worker.Id} {worker.Status} pid {worker.Pid}");
    /// </code>
    /// </example>
    public async Task<WorkloadInfo> CreateAsync(string workspaceId, WorkloadSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var content = HearthConnection.Json(spec, HearthJsonContext.Default.WorkloadSpec);
        var response = await _connection.SendAsync(HttpMethod.Post, ApiPaths.Workspace(workspaceId, "workloads"), content,
            HearthJsonContext.Default.WorkloadResponse, cancellationToken).ConfigureAwait(false);
        return response.Workload;
    }

    /// <summary>Lists a workspace's workloads: <c>GET /workspace/{id}/workloads?states=&amp;name=</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="states">Only workloads in one of these states (<see cref="WorkloadState"/>); null or empty for all.</param>
    /// <param name="name">Only the workload of this name; null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workloads, oldest first.</returns>
    /// <example>
    /// <code>
    /// var broken = await client.Workspaces.Workloads.ListAsync("ws_abc123", [WorkloadState.Failed]);
    /// foreach (var w in broken) Console.WriteLine($"{w.Name}: {w.Error}");
    /// </code>
    /// </example>
    public async Task<IReadOnlyList<WorkloadInfo>> ListAsync(
        string workspaceId,
        IEnumerable<string>? states = null,
        string? name = null,
        CancellationToken cancellationToken = default)
    {
        var joined = states is null ? null : string.Join(',', states.Where(s => !string.IsNullOrWhiteSpace(s)));
        var path = ApiPaths.Query(ApiPaths.Workspace(workspaceId, "workloads"),
            ("states", string.IsNullOrEmpty(joined) ? null : joined), ("name", name));
        var response = await _connection.SendAsync(HttpMethod.Get, path, content: null,
            HearthJsonContext.Default.WorkloadListResponse, cancellationToken).ConfigureAwait(false);
        return response.Workloads ?? [];
    }

    /// <summary>Reads one workload: <c>GET /workspace/{id}/workloads/{workload}</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workload: its definition and how it runs now.</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c>, or no such workspace.</exception>
    /// <example>
    /// <code>
    /// var api = await client.Workspaces.Workloads.GetAsync("ws_abc123", "api");
    /// Console.WriteLine($"{api.Status}, {api.RestartCount} restarts");
    /// </code>
    /// </example>
    public Task<WorkloadInfo> GetAsync(string workspaceId, string workloadId, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Get, ApiPaths.Workload(workspaceId, workloadId), content: null, cancellationToken);

    /// <summary>
    /// Changes the fields that are set: <c>PATCH /workspace/{id}/workloads/{workload}</c>. The process
    /// fields (command, environment, working directory, user) apply at its next start.
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="patch">The new values; null fields stay as they are.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workload after the change.</returns>
    /// <exception cref="HearthValidationException">A bad field; the error names it.</exception>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c>.</exception>
    /// <example>
    /// <code>
    /// await client.Workspaces.Workloads.UpdateAsync("ws_abc123", "api",
    ///     new WorkloadPatch { MaxLogSizeMb = 50, LogRetentionHours = 24 });
    /// </code>
    /// </example>
    public Task<WorkloadInfo> UpdateAsync(string workspaceId, string workloadId, WorkloadPatch patch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return CallAsync(HttpMethod.Patch, ApiPaths.Workload(workspaceId, workloadId),
            HearthConnection.Json(patch, HearthJsonContext.Default.WorkloadPatch), cancellationToken);
    }

    /// <summary>
    /// Stops a workload (as <see cref="StopAsync"/>) and removes its definition and its log:
    /// <c>DELETE /workspace/{id}/workloads/{workload}[?timeout=]</c>.
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="timeout">Grace between SIGTERM and SIGKILL, in whole seconds (rounded up); null for the server's 10 s.</param>
    /// <param name="cancellationToken">Cancels the call (the server may still delete it).</param>
    /// <returns>The workload in its last state.</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c>.</exception>
    /// <example>
    /// <code>
    /// await client.Workspaces.Workloads.DeleteAsync("ws_abc123", "api", TimeSpan.FromSeconds(3));
    /// </code>
    /// </example>
    public Task<WorkloadInfo> DeleteAsync(string workspaceId, string workloadId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        StopLikeAsync(HttpMethod.Delete, ApiPaths.Workload(workspaceId, workloadId), timeout, cancellationToken);

    /// <summary>Stops and removes every workload of the workspace: <c>DELETE /workspace/{id}/workloads</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call (the server may still delete them).</param>
    /// <returns>The deleted workloads, in their last state.</returns>
    /// <example>
    /// <code>
    /// var deleted = await client.Workspaces.Workloads.DeleteAllAsync("ws_abc123");
    /// Console.WriteLine($"{deleted.Count} workloads deleted");
    /// </code>
    /// </example>
    public async Task<IReadOnlyList<WorkloadInfo>> DeleteAllAsync(string workspaceId, CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(HttpMethod.Delete, ApiPaths.Workspace(workspaceId, "workloads"), content: null,
            HearthJsonContext.Default.WorkloadDeleteAllResponse, cancellationToken).ConfigureAwait(false);
        return response.Workloads ?? [];
    }

    /// <summary>
    /// Starts a workload: <c>POST /workspace/{id}/workloads/{workload}/start</c>. One that runs is left
    /// as it is; the restart count starts again from 0.
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workload after the call (<c>failed</c>, with the reason, when its program cannot run).</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c>.</exception>
    /// <example>
    /// <code>
    /// var api = await client.Workspaces.Workloads.StartAsync("ws_abc123", "api");
    /// </code>
    /// </example>
    public Task<WorkloadInfo> StartAsync(string workspaceId, string workloadId, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Post, ApiPaths.Workload(workspaceId, workloadId, "start"), content: null, cancellationToken);

    /// <summary>
    /// Stops a workload: SIGTERM to every process of its session, SIGKILL after
    /// <paramref name="timeout"/> to what is left: <c>POST /workspace/{id}/workloads/{workload}/stop[?timeout=]</c>.
    /// Returns once it has ended; it stays stopped (no restart policy restarts a stop request).
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="timeout">Grace between SIGTERM and SIGKILL, in whole seconds (rounded up); null for the server's 10 s. The call may take this long plus the client's timeout.</param>
    /// <param name="cancellationToken">Cancels the call (the stop goes on).</param>
    /// <returns>The workload, <c>stopped</c>.</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c>.</exception>
    /// <example>
    /// <code>
    /// var api = await client.Workspaces.Workloads.StopAsync("ws_abc123", "api", TimeSpan.FromSeconds(30));
    /// Console.WriteLine(api.Status); // stopped
    /// </code>
    /// </example>
    public Task<WorkloadInfo> StopAsync(string workspaceId, string workloadId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        StopLikeAsync(HttpMethod.Post, ApiPaths.Workload(workspaceId, workloadId, "stop"), timeout, cancellationToken);

    /// <summary>Reads how a workload runs, its state at the top level: <c>GET /workspace/{id}/workloads/{workload}/status</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>State, pid, exit code, restart count and error, and the whole workload.</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c>.</exception>
    /// <example>
    /// <code>
    /// var status = await client.Workspaces.Workloads.StatusAsync("ws_abc123", "api");
    /// if (status.Status == WorkloadState.Failed) Console.WriteLine(status.Error);
    /// </code>
    /// </example>
    public Task<WorkloadStatusResponse> StatusAsync(string workspaceId, string workloadId, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, ApiPaths.Workload(workspaceId, workloadId, "status"), content: null,
            HearthJsonContext.Default.WorkloadStatusResponse, cancellationToken);

    private async Task<WorkloadInfo> CallAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var response = await _connection.SendAsync(method, path, content, HearthJsonContext.Default.WorkloadResponse, cancellationToken)
            .ConfigureAwait(false);
        return response.Workload;
    }

    /// <summary>A stop or delete: the call lasts as long as the grace it asks for, so it may outlive the client's timeout.</summary>
    private async Task<WorkloadInfo> StopLikeAsync(HttpMethod method, string path, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var seconds = ApiPaths.Seconds(timeout, nameof(timeout));
        var bound = _connection.Timeout;
        if (seconds is { } grace && bound != Timeout.InfiniteTimeSpan && TimeSpan.FromSeconds(grace) + StopMargin > bound)
        {
            bound = TimeSpan.FromSeconds(grace) + StopMargin;
        }

        var response = await _connection.SendAsync(method, ApiPaths.Query(path, ("timeout", seconds)), content: null,
            HearthJsonContext.Default.WorkloadResponse, cancellationToken, timeout: bound).ConfigureAwait(false);
        return response.Workload;
    }
}
