using Hearth.Protocol.Json;
using Hearth.Protocol.Workloads;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk;

/// <content>What workloads use: one sample, and the stats streams.</content>
public sealed partial class WorkloadsClient
{
    /// <summary>
    /// Reads what a workload uses now (CPU over the last interval, RSS, processes, uptime):
    /// <c>GET /workspace/{id}/workloads/{workload}/stats</c>.
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workload's figures.</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c>.</exception>
    /// <example>
    /// <code>
    /// var stats = await client.Workspaces.Workloads.StatsAsync("ws_abc123", "api");
    /// Console.WriteLine($"{stats.CpuPercent:0.0}% CPU, {stats.MemoryMb} MiB, up {stats.UptimeSeconds:0}s");
    /// </code>
    /// </example>
    public async Task<WorkloadStats> StatsAsync(string workspaceId, string workloadId, CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(HttpMethod.Get, ApiPaths.Workload(workspaceId, workloadId, "stats"), content: null,
            HearthJsonContext.Default.WorkloadStatsResponse, cancellationToken).ConfigureAwait(false);
        return response.Stats;
    }

    /// <summary>
    /// Streams a workload's figures every <paramref name="interval"/>:
    /// <c>GET /workspace/{id}/workloads/{workload}/stats/stream?interval=</c> (SSE), until the workspace stops
    /// or the caller stops enumerating.
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="interval">1-60 s, in whole seconds (rounded up); null for the server's 2 s.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    /// <returns>One sample per interval.</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c> (when the enumeration starts).</exception>
    /// <example>
    /// <code>
    /// await foreach (var s in client.Workspaces.Workloads.StreamStatsAsync("ws_abc123", "api", TimeSpan.FromSeconds(5), ct))
    /// {
    ///     Console.WriteLine($"{s.Timestamp:T} {s.CpuPercent:0.0}% {s.MemoryMb} MiB");
    /// }
    /// </code>
    /// </example>
    public IAsyncEnumerable<WorkloadStats> StreamStatsAsync(
        string workspaceId,
        string workloadId,
        TimeSpan? interval = null,
        CancellationToken cancellationToken = default)
    {
        var path = ApiPaths.Query(ApiPaths.Workload(workspaceId, workloadId, "stats/stream"), ("interval", ApiPaths.Seconds(interval, nameof(interval))));
        return StatsStream.ReadAsync(_connection, path, HearthJsonContext.Default.WorkloadStats, cancellationToken);
    }

    /// <summary>
    /// Streams every workload's figures, one sample per workload per <paramref name="interval"/>:
    /// <c>GET /workspace/{id}/workloads/stats/stream?interval=</c> (SSE).
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="interval">1-60 s, in whole seconds (rounded up); null for the server's 2 s.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    /// <returns>Samples of all workloads; <see cref="WorkloadStats.Id"/> says whose.</returns>
    /// <example>
    /// <code>
    /// await foreach (var s in client.Workspaces.Workloads.StreamAllStatsAsync("ws_abc123", cancellationToken: ct))
    /// {
    ///     Console.WriteLine($"{s.Name}: {s.CpuPercent:0.0}%");
    /// }
    /// </code>
    /// </example>
    public IAsyncEnumerable<WorkloadStats> StreamAllStatsAsync(string workspaceId, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        var path = ApiPaths.Query(ApiPaths.Workspace(workspaceId, "workloads/stats/stream"), ("interval", ApiPaths.Seconds(interval, nameof(interval))));
        return StatsStream.ReadAsync(_connection, path, HearthJsonContext.Default.WorkloadStats, cancellationToken);
    }
}
