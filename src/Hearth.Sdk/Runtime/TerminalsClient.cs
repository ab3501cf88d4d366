using Hearth.Protocol.Json;
using Hearth.Protocol.Runtime;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk.Runtime;

/// <summary>
/// PTY sessions inside the workspace (<c>/terminals</c> on the runtime gateway); reached through
/// <see cref="RuntimeClient.Terminals"/>. Their input and output travel over the socket of
/// <see cref="RuntimeClient.ConnectSocketAsync"/>.
/// </summary>
/// <example>
/// <code>
/// var term = await rt.Terminals.CreateAsync(new TerminalCreateRequest { Cmd = ["/bin/sh"], Cols = 120, Rows = 40 });
/// await using var socket = await rt.ConnectSocketAsync();
/// await socket.SendInputAsync(term.Id, "ls\n"u8.ToArray());
/// </code>
/// </example>
public sealed class TerminalsClient
{
    private readonly RuntimeConnection _connection;

    internal TerminalsClient(RuntimeConnection connection) => _connection = connection;

    /// <summary>Starts a terminal session: <c>POST /terminals</c> (at most 10 per workspace).</summary>
    /// <param name="request">The argv, size and scrollback; null for the workspace's shell at the runtime's size.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session; its <see cref="TerminalSession.Id"/> is the id byte of its socket frames.</returns>
    /// <example>
    /// <code>
    /// var term = await rt.Terminals.CreateAsync();
    /// </code>
    /// </example>
    public Task<TerminalSession> CreateAsync(TerminalCreateRequest? request = null, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Post, "terminals",
            RequestBody.Json(request ?? new TerminalCreateRequest(), HearthJsonContext.Default.TerminalCreateRequest),
            HearthJsonContext.Default.TerminalSession, cancellationToken);

    /// <summary>Lists the terminal sessions: <c>GET /terminals</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The sessions, running or ended.</returns>
    /// <example>
    /// <code>
    /// foreach (var t in await rt.Terminals.ListAsync()) Console.WriteLine($"{t.Id} {string.Join(' ', t.Command)}");
    /// </code>
    /// </example>
    public async Task<IReadOnlyList<TerminalSession>> ListAsync(CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(HttpMethod.Get, "terminals", body: null,
            HearthJsonContext.Default.TerminalListResponse, cancellationToken).ConfigureAwait(false);
        return response.Terminals;
    }

    /// <summary>Kills a terminal session's process and forgets it: <c>DELETE /terminals/:id</c>.</summary>
    /// <param name="terminalId">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="HearthNotFoundException">No such session.</exception>
    /// <example>
    /// <code>
    /// await rt.Terminals.CloseAsync(term.Id);
    /// </code>
    /// </example>
    public Task CloseAsync(string terminalId, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, RuntimePaths.Item("terminals", terminalId), body: null,
            HearthJsonContext.Default.TerminalCloseResponse, cancellationToken);

    /// <summary>Reads what a session has printed lately: <c>GET /terminals/:id/scrollback</c>.</summary>
    /// <param name="terminalId">The session id.</param>
    /// <param name="bytes">Only the last this many bytes; null for the whole ring (64 KiB by default).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bytes, decoded from base64, and whether the session is alive.</returns>
    /// <example>
    /// <code>
    /// var tail = await rt.Terminals.ScrollbackAsync(term.Id, bytes: 4096);
    /// Console.Write(Encoding.UTF8.GetString(tail.Scrollback));
    /// </code>
    /// </example>
    public Task<TerminalScrollbackResponse> ScrollbackAsync(string terminalId, int? bytes = null, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, RuntimePaths.Query(RuntimePaths.Item("terminals", terminalId, "scrollback"), ("bytes", bytes)),
            body: null, HearthJsonContext.Default.TerminalScrollbackResponse, cancellationToken);
}
