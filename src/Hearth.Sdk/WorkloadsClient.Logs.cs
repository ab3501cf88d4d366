using Hearth.Protocol.Agent;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workloads;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk;

/// <content>A workload's log: read, clear, limits, stream and follow.</content>
public sealed partial class WorkloadsClient
{
    /// <summary>
    /// Reads the end of a workload's log, or everything from a cursor:
    /// <c>GET /workspace/{id}/workloads/{workload}/logs?tail=&amp;since=</c>.
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="tail">How many of the last lines, 0-10000; null for the server's 100. Ignored with <paramref name="since"/>.</param>
    /// <param name="since">Start at this cursor (a <see cref="LogsResponse.Cursor"/> or <see cref="WorkloadLogLine.NextCursor"/> from earlier).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lines as text and as entries, and the cursor the next read (or a stream's <c>since</c>) starts at.</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c>.</exception>
    /// <example>
    /// <code>
    /// var logs = await client.Workspaces.Workloads.LogsAsync("ws_abc123", "api", tail: 200);
    /// foreach (var e in logs.Entries.Where(e => e.Stream == "stderr")) Console.WriteLine(e.Line);
    /// // later: only what came since
    /// var more = await client.Workspaces.Workloads.LogsAsync("ws_abc123", "api", since: logs.Cursor);
    /// </code>
    /// </example>
    public Task<LogsResponse> LogsAsync(
        string workspaceId,
        string workloadId,
        int? tail = null,
        long? since = null,
        CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, ApiPaths.Query(ApiPaths.Workload(workspaceId, workloadId, "logs"), ("tail", tail), ("since", since)),
            content: null, HearthJsonContext.Default.LogsResponse, cancellationToken);

    /// <summary>Empties a workload's log: <c>DELETE /workspace/{id}/workloads/{workload}/logs</c>. Open streams get a <see cref="WorkloadLogLineKind.Cleared"/> item.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cursor the next line will have (cursors are never reused, a clear keeps counting).</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c>.</exception>
    /// <example>
    /// <code>
    /// var cursor = await client.Workspaces.Workloads.ClearLogsAsync("ws_abc123", "api");
    /// </code>
    /// </example>
    public async Task<long> ClearLogsAsync(string workspaceId, string workloadId, CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(HttpMethod.Delete, ApiPaths.Workload(workspaceId, workloadId, "logs"), content: null,
            HearthJsonContext.Default.LogClearResponse, cancellationToken).ConfigureAwait(false);
        return response.Cursor;
    }

    /// <summary>Reads a workload log's limits and what it holds: <c>GET /workspace/{id}/workloads/{workload}/logs/config</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Size and age limits, bytes stored, lines dropped, the first and next cursors, and where it lives in the workspace.</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c>.</exception>
    /// <example>
    /// <code>
    /// var config = await client.Workspaces.Workloads.LogConfigAsync("ws_abc123", "api");
    /// Console.WriteLine($"{config.StoredBytes} of {config.MaxLogSizeMb} MB, {config.DroppedLines} lines dropped");
    /// </code>
    /// </example>
    public async Task<LogConfig> LogConfigAsync(string workspaceId, string workloadId, CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(HttpMethod.Get, ApiPaths.Workload(workspaceId, workloadId, "logs/config"), content: null,
            HearthJsonContext.Default.LogConfigResponse, cancellationToken).ConfigureAwait(false);
        return new LogConfig
        {
            MaxLogSizeMb = response.MaxLogSizeMb,
            LogRetentionHours = response.LogRetentionHours,
            StoredBytes = response.StoredBytes,
            DroppedLines = response.DroppedLines,
            FirstCursor = response.FirstCursor,
            NextCursor = response.NextCursor,
            Path = response.Path,
        };
    }

    /// <summary>
    /// Streams a workload's log as it is written: <c>GET /workspace/{id}/workloads/{workload}/logs/stream?tail=&amp;since=</c>
    /// (SSE). Without <paramref name="tail"/> or <paramref name="since"/> it starts at the end; it ends when
    /// the workspace stops or the caller stops enumerating. Use <see cref="FollowLogsAsync"/> for "the last
    /// lines, then what comes".
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="tail">Replay this many lines first.</param>
    /// <param name="since">Start exactly at this cursor (a <see cref="WorkloadLogLine.NextCursor"/> resumes without a lost or repeated line).</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    /// <returns>Lines, and <see cref="WorkloadLogLineKind.Cleared"/> and <see cref="WorkloadLogLineKind.Gap"/> notices, in order.</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c> (when the enumeration starts).</exception>
    /// <example>
    /// <code>
    /// long? resume = null;
    /// await foreach (var item in client.Workspaces.Workloads.StreamLogsAsync("ws_abc123", "api", since: resume, cancellationToken: ct))
    /// {
    ///     if (item.Kind == WorkloadLogLineKind.Line) Console.WriteLine(item.Line);
    ///     resume = item.NextCursor ?? resume;
    /// }
    /// </code>
    /// </example>
    public IAsyncEnumerable<WorkloadLogLine> StreamLogsAsync(
        string workspaceId,
        string workloadId,
        int? tail = null,
        long? since = null,
        CancellationToken cancellationToken = default)
    {
        var path = ApiPaths.Query(ApiPaths.Workload(workspaceId, workloadId, "logs/stream"), ("tail", tail), ("since", since));
        return LogStream.ReadAsync(_connection, path, cancellationToken);
    }

    /// <summary>
    /// The last <paramref name="tail"/> lines of a workload's log, then every line as it is written, until
    /// the workspace stops or the caller stops enumerating: <see cref="LogsAsync"/>, then
    /// <see cref="StreamLogsAsync"/> from its cursor. The server reads both from one byte sequence, so no line
    /// is lost between them and none comes twice.
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="workloadId">The workload's id or name.</param>
    /// <param name="tail">How many of the last lines to begin with, 0-10000.</param>
    /// <param name="cancellationToken">Stops following.</param>
    /// <returns>History lines, then live lines and notices.</returns>
    /// <exception cref="HearthNotFoundException"><c>workload_not_found</c> (when the enumeration starts).</exception>
    /// <example>
    /// <code>
    /// using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
    /// await foreach (var item in client.Workspaces.Workloads.FollowLogsAsync("ws_abc123", "api", tail: 100, cts.Token))
    /// {
    ///     Console.WriteLine($"{item.Timestamp:HH:mm:ss} {item.Stream} {item.Line}");
    /// }
    /// </code>
    /// </example>
    public IAsyncEnumerable<WorkloadLogLine> FollowLogsAsync(
        string workspaceId,
        string workloadId,
        int tail = 100,
        CancellationToken cancellationToken = default)
    {
        var history = ApiPaths.Query(ApiPaths.Workload(workspaceId, workloadId, "logs"), ("tail", tail));
        return LogStream.FollowAsync(_connection, history, ApiPaths.Workload(workspaceId, workloadId, "logs/stream"), cancellationToken);
    }
}
