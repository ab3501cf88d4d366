using Hearth.Protocol.Agent;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workloads;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk;

/// <summary>
/// A workspace's own logs (<c>/workspace/{id}/logs</c>): <c>boot</c> (the agent's messages: the
/// workspace's start, what happened to its workloads) and <c>cmd</c> (its main command's output);
/// reached through <see cref="WorkspacesClient.Logs"/>. A workload's log is read through
/// <see cref="WorkloadsClient.LogsAsync"/>. The workspace must run.
/// </summary>
/// <example>
/// <code>
/// var boot = await client.Workspaces.Logs.GetAsync("ws_abc123", LogSources.Boot, tailLines: 50);
/// Console.Write(boot.Logs);
/// </code>
/// </example>
public sealed class LogsClient
{
    private readonly HearthConnection _connection;

    internal LogsClient(HearthConnection connection) => _connection = connection;

    /// <summary>Reads the end of one of the workspace's logs: <c>GET /workspace/{id}/logs?source=&amp;tail_lines=</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="source"><c>boot</c> or <c>cmd</c> (<see cref="LogSources"/>); null for the server's <c>cmd</c>.</param>
    /// <param name="tailLines">How many of the last lines; null for the server's 100.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The source, the lines as text and as entries, and the cursor a stream's <c>since</c> continues from.</returns>
    /// <exception cref="HearthValidationException">An unknown source.</exception>
    /// <example>
    /// <code>
    /// var cmd = await client.Workspaces.Logs.GetAsync("ws_abc123", tailLines: 20);
    /// foreach (var e in cmd.Entries) Console.WriteLine($"{e.Timestamp:T} {e.Line}");
    /// </code>
    /// </example>
    public Task<LogsResponse> GetAsync(string workspaceId, string? source = null, int? tailLines = null, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, ApiPaths.Query(ApiPaths.Workspace(workspaceId, "logs"), ("source", source), ("tail_lines", tailLines)),
            content: null, HearthJsonContext.Default.LogsResponse, cancellationToken);

    /// <summary>Clears the boot and cmd logs and every workload's log: <c>DELETE /workspace/{id}/logs</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the logs are empty.</returns>
    /// <example>
    /// <code>
    /// await client.Workspaces.Logs.ClearAsync("ws_abc123");
    /// </code>
    /// </example>
    public Task ClearAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, ApiPaths.Workspace(workspaceId, "logs"), content: null, cancellationToken);

    /// <summary>Lists the workspace's logs as files: <c>GET /workspace/{id}/logs/list</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><c>boot.log</c>, <c>cmd.log</c> and <c>workload-&lt;name&gt;.log</c>, with their sizes and last writes.</returns>
    /// <example>
    /// <code>
    /// foreach (var f in await client.Workspaces.Logs.ListFilesAsync("ws_abc123"))
    /// {
    ///     Console.WriteLine($"{f.Name} {f.Size} {f.Modified}");
    /// }
    /// </code>
    /// </example>
    public async Task<IReadOnlyList<LogFile>> ListFilesAsync(string workspaceId, CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(HttpMethod.Get, ApiPaths.Workspace(workspaceId, "logs/list"), content: null,
            HearthJsonContext.Default.LogFilesResponse, cancellationToken).ConfigureAwait(false);
        return response.Files ?? [];
    }

    /// <summary>Reads one log file as text: <c>GET /workspace/{id}/logs/file/{name}?tail_lines=</c>.</summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="name">A name from <see cref="ListFilesAsync"/>, such as <c>workload-api.log</c>.</param>
    /// <param name="tailLines">Only this many of the last lines; null for the server's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lines, <c>[timestamp] stdout: line</c> each.</returns>
    /// <exception cref="HearthNotFoundException">No log of that name.</exception>
    /// <example>
    /// <code>
    /// var text = await client.Workspaces.Logs.GetFileAsync("ws_abc123", "boot.log");
    /// </code>
    /// </example>
    public async Task<string> GetFileAsync(string workspaceId, string name, int? tailLines = null, CancellationToken cancellationToken = default)
    {
        var path = ApiPaths.Workspace(workspaceId, "logs/file/" + ApiPaths.Segment(name, nameof(name), "log file name"));
        var response = await _connection.SendAsync(HttpMethod.Get, ApiPaths.Query(path, ("tail_lines", tailLines)), content: null,
            HearthJsonContext.Default.LogFileResponse, cancellationToken).ConfigureAwait(false);
        return response.Content;
    }

    /// <summary>
    /// Streams one of the workspace's logs as it is written: <c>GET /workspace/{id}/logs/stream/{source}?tail_lines=&amp;since=</c>
    /// (SSE). Without <paramref name="tailLines"/> or <paramref name="since"/> it starts at the end; it ends when the
    /// workspace stops or the caller stops enumerating.
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="source"><c>boot</c> or <c>cmd</c> (<see cref="LogSources"/>).</param>
    /// <param name="tailLines">Replay this many lines first.</param>
    /// <param name="since">Start exactly at this cursor (a <see cref="LogsResponse.Cursor"/> or <see cref="WorkloadLogLine.NextCursor"/>).</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    /// <returns>Lines, and <see cref="WorkloadLogLineKind.Cleared"/> and <see cref="WorkloadLogLineKind.Gap"/> notices, in order.</returns>
    /// <exception cref="ArgumentException"><paramref name="source"/> is neither <c>boot</c> nor <c>cmd</c>.</exception>
    /// <example>
    /// <code>
    /// await foreach (var line in client.Workspaces.Logs.StreamAsync("ws_abc123", LogSources.Boot, tailLines: 10, cancellationToken: ct))
    /// {
    ///     Console.WriteLine(line.Line);
    /// }
    /// </code>
    /// </example>
    public IAsyncEnumerable<WorkloadLogLine> StreamAsync(
        string workspaceId,
        string source = LogSources.Cmd,
        int? tailLines = null,
        long? since = null,
        CancellationToken cancellationToken = default)
    {
        var path = ApiPaths.Query(StreamPath(workspaceId, source), ("tail_lines", tailLines), ("since", since));
        return LogStream.ReadAsync(_connection, path, cancellationToken);
    }

    /// <summary>
    /// The last <paramref name="tailLines"/> lines of one of the workspace's logs, then every line as it is
    /// written: <see cref="GetAsync"/>, then <see cref="StreamAsync"/> from its cursor, with no line lost
    /// or repeated between them.
    /// </summary>
    /// <param name="workspaceId">The workspace id.</param>
    /// <param name="source"><c>boot</c> or <c>cmd</c> (<see cref="LogSources"/>).</param>
    /// <param name="tailLines">How many of the last lines to begin with.</param>
    /// <param name="cancellationToken">Stops following.</param>
    /// <returns>History lines, then live lines and notices.</returns>
    /// <exception cref="ArgumentException"><paramref name="source"/> is neither <c>boot</c> nor <c>cmd</c>.</exception>
    /// <example>
    /// <code>
    /// await foreach (var line in client.Workspaces.Logs.FollowAsync("ws_abc123", LogSources.Cmd, 50, ct))
    /// {
    ///     Console.WriteLine(line.Line);
    /// }
    /// </code>
    /// </example>
    public IAsyncEnumerable<WorkloadLogLine> FollowAsync(
        string workspaceId,
        string source = LogSources.Cmd,
        int tailLines = 100,
        CancellationToken cancellationToken = default)
    {
        var stream = StreamPath(workspaceId, source);
        var history = ApiPaths.Query(ApiPaths.Workspace(workspaceId, "logs"), ("source", source), ("tail_lines", tailLines));
        return LogStream.FollowAsync(_connection, history, stream, cancellationToken);
    }

    private static string StreamPath(string workspaceId, string source)
    {
        if (!LogSources.All.Contains(source))
        {
            throw new ArgumentException($"'{source}' is not a log source ({string.Join(", ", LogSources.All)}).", nameof(source));
        }

        return ApiPaths.Workspace(workspaceId, "logs/stream/" + source);
    }
}
