using System.Text.Json;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk;

/// <summary>
/// What a workspace uses, as the host measures it (cgroup CPU and memory, the disk, the network
/// counters), and its raw info and config; reached through <see cref="WorkspacesClient.Metrics"/>.
/// A workload's own figures come from <see cref="WorkloadsClient.StatsAsync"/>.
/// </summary>
/// <example>
/// <code>
/// var stats = await client.Workspaces.Metrics.StatsAsync("ws_abc123");
/// Console.WriteLine($"{stats.CpuUsage:0.0}% CPU, {stats.MemoryUsedMb:0} of {stats.MemoryTotalMb:0} MB");
/// </code>
/// </example>
public sealed class MetricsClient
{
    private readonly HearthConnection _connection;

    internal MetricsClient(HearthConnection connection) => _connection = connection;

    /// <summary>Reads what the workspace uses now: <c>GET /workspace/{id}/stats</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>CPU, memory, disk and network figures.</returns>
    /// <exception cref="HearthNotFoundException">No workspace has that id.</exception>
    /// <example>
    /// <code>
    /// var s = await client.Workspaces.Metrics.StatsAsync("ws_abc123");
    /// Console.WriteLine($"disk {s.GuestDiskUsed} of {s.GuestDiskTotal} bytes, in {s.NetworkIn}, out {s.NetworkOut}");
    /// </code>
    /// </example>
    public async Task<WorkspaceStats> StatsAsync(string workspaceId, CancellationToken cancellationToken = default)
    {
        var answer = await _connection.SendAsync(HttpMethod.Get, ApiPaths.Workspace(workspaceId, "stats"), content: null,
            HearthJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false);
        return StatsStream.Unwrap(answer, HearthJsonContext.Default.WorkspaceStats);
    }

    /// <summary>
    /// Streams the workspace's figures: <c>GET /workspace/{id}/stats/stream[?interval=]</c> (SSE, with a
    /// heartbeat comment every 15 s), until the workspace stops or the caller stops enumerating.
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="interval">Seconds between samples, whole (rounded up); null for the server's default.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    /// <returns>One sample per interval.</returns>
    /// <example>
    /// <code>
    /// await foreach (var s in client.Workspaces.Metrics.StreamStatsAsync("ws_abc123", TimeSpan.FromSeconds(5), ct))
    /// {
    ///     Console.WriteLine($"{s.Timestamp:T} {s.CpuUsage:0.0}% {s.MemoryUsage:0.0}%");
    /// }
    /// </code>
    /// </example>
    public IAsyncEnumerable<WorkspaceStats> StreamStatsAsync(string workspaceId, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        var path = ApiPaths.Query(ApiPaths.Workspace(workspaceId, "stats/stream"), ("interval", ApiPaths.Seconds(interval, nameof(interval))));
        return StatsStream.ReadAsync(_connection, path, HearthJsonContext.Default.WorkspaceStats, cancellationToken);
    }

    /// <summary>Reads the workspace's runtime information as the server gives it: <c>GET /workspace/{id}/info</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The whole answer, uninterpreted.</returns>
    /// <example>
    /// <code>
    /// var info = await client.Workspaces.Metrics.InfoAsync("ws_abc123");
    /// Console.WriteLine(info.GetRawText());
    /// </code>
    /// </example>
    public Task<JsonElement> InfoAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, ApiPaths.Workspace(workspaceId, "info"), content: null, HearthJsonContext.Default.JsonElement, cancellationToken);

    /// <summary>Reads the workspace's configuration as the server gives it: <c>GET /workspace/{id}/config</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The whole answer, uninterpreted.</returns>
    /// <example>
    /// <code>
    /// var config = await client.Workspaces.Metrics.ConfigAsync("ws_abc123");
    /// if (config.TryGetProperty("cpus", out var cpus)) Console.WriteLine(cpus);
    /// </code>
    /// </example>
    public Task<JsonElement> ConfigAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, ApiPaths.Workspace(workspaceId, "config"), content: null, HearthJsonContext.Default.JsonElement, cancellationToken);
}
