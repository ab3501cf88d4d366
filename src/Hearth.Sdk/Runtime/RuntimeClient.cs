using System.Net;
using System.Net.WebSockets;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk.Runtime;

/// <summary>
/// One workspace's runtime API (the role of <c>workspace.oblien.com</c>): exec, files, search,
/// terminals, watchers and the multiplexed socket, reached through the runtime gateway with a token
/// that <see cref="WorkspacesClient.RuntimeAsync"/> minted. The token is cached for 55 minutes per
/// workspace and renewed once when the gateway answers 401. The client shares the
/// <see cref="HearthClient"/>'s connection and lives as long as it; it is thread-safe.
/// </summary>
/// <example>
/// <code>
/// using var client = HearthClient.FromCredentialsFile("/var/lib/hearth/admin-credentials.json");
/// var rt = await client.Workspaces.RuntimeAsync("ws_abc123");
/// var task = await rt.Exec.RunAsync(["uname", "-a"]);
/// await rt.Files.WriteAsync("/tmp/note.txt", task.Stdout);
/// </code>
/// </example>
public sealed class RuntimeClient
{
    private readonly RuntimeConnection _connection;

    internal RuntimeClient(RuntimeConnection connection)
    {
        _connection = connection;
        Exec = new ExecClient(connection);
        Files = new FilesClient(connection);
        Search = new SearchClient(connection);
        Terminals = new TerminalsClient(connection);
        Watchers = new WatchersClient(connection);
    }

    /// <summary>The workspace this client works in.</summary>
    public string WorkspaceId => _connection.WorkspaceId;

    /// <summary>Commands: run, stream, attach, stdin, kill.</summary>
    public ExecClient Exec { get; }

    /// <summary>Files: list, read, write, stat, delete, and tar.gz transfer.</summary>
    public FilesClient Files { get; }

    /// <summary>Content and file-name search.</summary>
    public SearchClient Search { get; }

    /// <summary>PTY sessions (their bytes travel over <see cref="ConnectSocketAsync"/>).</summary>
    public TerminalsClient Terminals { get; }

    /// <summary>File watchers (their events arrive over <see cref="ConnectSocketAsync"/>).</summary>
    public WatchersClient Watchers { get; }

    /// <summary>
    /// Opens the multiplexed socket: <c>ws(s)://GATEWAY/ws?token=</c> (the token also travels as
    /// <c>Authorization: Bearer</c>). A runtime keeps one socket per workspace; opening another drops the previous one.
    /// </summary>
    /// <param name="cancellationToken">Cancels the connect (bounded by the client's timeout too).</param>
    /// <returns>The open socket; dispose it to close.</returns>
    /// <exception cref="HearthApiException">The upgrade was refused (typed by status) or the gateway is unreachable.</exception>
    /// <example>
    /// <code>
    /// await using var socket = await rt.ConnectSocketAsync();
    /// </code>
    /// </example>
    public async Task<RuntimeSocket> ConnectSocketAsync(CancellationToken cancellationToken = default)
    {
        var grant = await _connection.GrantAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new RuntimeSocket(await ConnectAsync(grant, cancellationToken).ConfigureAwait(false));
        }
        catch (HearthAuthenticationException)
        {
            grant = await _connection.RenewAsync(grant, cancellationToken).ConfigureAwait(false);
            return new RuntimeSocket(await ConnectAsync(grant, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>The socket's address: the gateway's with <c>ws</c>/<c>wss</c>, path <c>ws</c>, and the token in the query, as the official SDK builds it.</summary>
    internal static Uri SocketUri(Uri gateway, string token)
    {
        var builder = new UriBuilder(new Uri(gateway, "ws"))
        {
            Scheme = gateway.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Query = "token=" + Uri.EscapeDataString(token),
        };
        return builder.Uri;
    }

    private async Task<WebSocket> ConnectAsync(RuntimeGrant grant, CancellationToken cancellationToken)
    {
        var uri = SocketUri(grant.Gateway, grant.Token);
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + grant.Token);
        socket.Options.SetRequestHeader(RuntimeConnection.WorkspaceHeader, WorkspaceId);
        socket.Options.SetRequestHeader("User-Agent", HearthConnection.UserAgent.ToString());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_connection.Control.Timeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(_connection.Control.Timeout);
        }

        try
        {
            await socket.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            if (ex is OperationCanceledException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw new HearthApiException($"Connecting the runtime socket of {WorkspaceId} timed out.", statusCode: null, HearthApiException.TimeoutCode, innerException: ex);
            }

            if (status is not 0 and not HttpStatusCode.SwitchingProtocols)
            {
                throw ErrorMapper.Create(status, ErrorMapper.CodeFor(status), $"The runtime gateway refused the socket: HTTP {(int)status}.", errors: null, available: null);
            }

            throw new HearthApiException($"Cannot reach the runtime socket at {grant.Gateway}: {ex.Message}", statusCode: null, HearthApiException.NetworkErrorCode, innerException: ex);
        }
    }
}
