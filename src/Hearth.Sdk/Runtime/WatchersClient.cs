using Hearth.Protocol.Json;
using Hearth.Protocol.Runtime;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk.Runtime;

/// <summary>
/// File watchers inside the workspace (<c>/watchers</c> on the runtime gateway); reached through
/// <see cref="RuntimeClient.Watchers"/>. Their events arrive on the socket of
/// <see cref="RuntimeClient.ConnectSocketAsync"/> as <see cref="WatcherEvent"/> messages.
/// </summary>
/// <example>
/// <code>
/// var watcher = await rt.Watchers.CreateAsync("/app/src");
/// await foreach (var message in socket.ReadAllAsync())
///     if (message is WatcherEvent { Event.Type: "change" } e) Console.WriteLine($"{e.Event.Op} {e.Event.Path}");
/// </code>
/// </example>
public sealed class WatchersClient
{
    private readonly RuntimeConnection _connection;

    internal WatchersClient(RuntimeConnection connection) => _connection = connection;

    /// <summary>Watches a directory tree: <c>POST /watchers</c> (at most 5 per workspace).</summary>
    /// <param name="request">The directory and extra excludes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The watcher.</returns>
    /// <exception cref="HearthConflictException">Five watchers exist already.</exception>
    /// <example>
    /// <code>
    /// var w = await rt.Watchers.CreateAsync(new WatcherCreateRequest { Path = "/app", Excludes = ["*.log"] });
    /// </code>
    /// </example>
    public async Task<WatcherInfo> CreateAsync(WatcherCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await _connection.SendAsync(HttpMethod.Post, "watchers", RequestBody.Json(request, HearthJsonContext.Default.WatcherCreateRequest),
            HearthJsonContext.Default.WatcherResponse, cancellationToken).ConfigureAwait(false);
        return response.Watcher;
    }

    /// <summary>Watches a directory tree: <c>POST /watchers</c>.</summary>
    /// <param name="path">The directory.</param>
    /// <param name="excludes">Names or globs to skip besides the defaults; null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The watcher.</returns>
    /// <example>
    /// <code>
    /// var w = await rt.Watchers.CreateAsync("/app");
    /// </code>
    /// </example>
    public Task<WatcherInfo> CreateAsync(string path, IReadOnlyList<string>? excludes = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return CreateAsync(new WatcherCreateRequest { Path = path, Excludes = excludes }, cancellationToken);
    }

    /// <summary>Lists the watchers: <c>GET /watchers</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The watchers.</returns>
    /// <example>
    /// <code>
    /// var all = await rt.Watchers.ListAsync();
    /// </code>
    /// </example>
    public async Task<IReadOnlyList<WatcherInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(HttpMethod.Get, "watchers", body: null,
            HearthJsonContext.Default.WatcherListResponse, cancellationToken).ConfigureAwait(false);
        return response.Watchers;
    }

    /// <summary>Reads one watcher: <c>GET /watchers/:id</c>.</summary>
    /// <param name="watcherId">The watcher id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The watcher.</returns>
    /// <exception cref="HearthNotFoundException">No such watcher.</exception>
    /// <example>
    /// <code>
    /// var w = await rt.Watchers.GetAsync(id);
    /// </code>
    /// </example>
    public async Task<WatcherInfo> GetAsync(string watcherId, CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(HttpMethod.Get, RuntimePaths.Item("watchers", watcherId), body: null,
            HearthJsonContext.Default.WatcherResponse, cancellationToken).ConfigureAwait(false);
        return response.Watcher;
    }

    /// <summary>Stops and forgets a watcher: <c>DELETE /watchers/:id</c>.</summary>
    /// <param name="watcherId">The watcher id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="HearthNotFoundException">No such watcher.</exception>
    /// <example>
    /// <code>
    /// await rt.Watchers.DeleteAsync(w.Id);
    /// </code>
    /// </example>
    public Task DeleteAsync(string watcherId, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, RuntimePaths.Item("watchers", watcherId), body: null,
            HearthJsonContext.Default.WatcherDeleteResponse, cancellationToken);
}
