using System.Collections.Concurrent;
using System.Security.Cryptography;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Runtime;
using Hearth.Server.Api;
using Hearth.Server.Workspaces;

namespace Hearth.Server.RuntimeApi.Watchers;

/// <summary>
/// The file watchers of every workspace: at most <see cref="MaxPerWorkspace"/> each, each a
/// <c>watch</c> operation on an agent connection of its own. Events go to the workspace's
/// <c>/ws</c> channel (<see cref="WorkspaceEvents"/>) and to the watcher's own SSE
/// subscribers. A watcher of a workspace that has stopped (its init pid is gone or changed)
/// is dropped the next time the workspace's watchers are looked at.
/// </summary>
internal sealed partial class WatcherRegistry(AgentPool agents, WorkspaceService workspaces, WorkspaceEvents events, ILogger<WatcherRegistry> logger)
{
    public const int MaxPerWorkspace = 5;

    private readonly ConcurrentDictionary<string, Set> byWorkspace = new();

    /// <summary>Each watcher's events as ready-made SSE frames, keyed by watcher id.</summary>
    private readonly WorkspaceEvents streams = new();

    public async Task<Watcher> CreateAsync(string workspaceId, string path, IReadOnlyList<string> excludes, CancellationToken cancellationToken)
    {
        var set = byWorkspace.GetOrAdd(workspaceId, _ => new Set());
        await set.Gate.WaitAsync(cancellationToken);
        try
        {
            Prune(workspaceId, set);
            if (set.Watchers.Count >= MaxPerWorkspace)
                throw new ApiException(409, "too_many_watchers", $"a workspace has at most {MaxPerWorkspace} watchers; delete one first");
            if (!workspaces.InitPids.TryGetValue(workspaceId, out var pid))
                throw new ApiException(409, "workspace_not_running", $"workspace {workspaceId} is not running");
            var connection = await agents.DialAsync(workspaceId, cancellationToken);
            var id = "watch_" + RandomNumberGenerator.GetHexString(12, lowercase: true);
            var args = new WatchArgs { Path = path, Excludes = excludes };
            var watcher = await Watcher.StartAsync(id, workspaceId, pid, connection, args, Publish, cancellationToken);
            set.Watchers[id] = watcher;
            _ = LogEndAsync(watcher);
            return watcher;
        }
        finally
        {
            set.Gate.Release();
        }
    }

    public IReadOnlyList<Watcher> List(string workspaceId)
    {
        if (!byWorkspace.TryGetValue(workspaceId, out var set)) return [];
        Prune(workspaceId, set);
        return [.. set.Watchers.Values.OrderBy(w => w.Id, StringComparer.Ordinal)];
    }

    public Watcher Get(string workspaceId, string id)
    {
        if (byWorkspace.TryGetValue(workspaceId, out var set))
        {
            Prune(workspaceId, set);
            if (set.Watchers.TryGetValue(id, out var watcher)) return watcher;
        }
        throw ApiException.NotFound($"watcher {id}");
    }

    public async Task DeleteAsync(string workspaceId, string id)
    {
        var watcher = Get(workspaceId, id);
        if (byWorkspace.TryGetValue(workspaceId, out var set)) set.Watchers.TryRemove(id, out _);
        await watcher.StopAsync();
    }

    /// <summary>The watcher's events from now on, as SSE frames (<c>event: change</c> ...).</summary>
    public WorkspaceEvents.Subscription Subscribe(Watcher watcher) => streams.Subscribe(watcher.Id);

    private void Publish(Watcher watcher, WatcherEventMessage message)
    {
        var json = Watcher.Json(message);
        events.Publish(watcher.WorkspaceId, json);
        streams.Publish(watcher.Id, $"event: {message.Type}\ndata: {json}\n\n");
    }

    /// <summary>Drops the watchers of a workspace run that has ended; their operations ended with it.</summary>
    private void Prune(string workspaceId, Set set)
    {
        var running = workspaces.InitPids.TryGetValue(workspaceId, out var pid);
        foreach (var (id, watcher) in set.Watchers)
        {
            if (running && watcher.InitPid == pid) continue;
            if (set.Watchers.TryRemove(id, out _)) _ = watcher.StopAsync();
        }
    }

    /// <summary>
    /// Logs a watcher's end, and forgets it at once if its workspace run is over already (a
    /// deleted workspace is never looked at again); otherwise it stays listed as inactive.
    /// </summary>
    private async Task LogEndAsync(Watcher watcher)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, watcher.Ended);
        }
        catch (OperationCanceledException)
        {
            LogEnded(watcher.Id, watcher.WorkspaceId, watcher.EndReason ?? "stopped");
            if (byWorkspace.TryGetValue(watcher.WorkspaceId, out var set)) Prune(watcher.WorkspaceId, set);
        }
    }

    [LoggerMessage(EventId = 7401, Level = LogLevel.Information, Message = "watcher {WatcherId} of {WorkspaceId} ended: {Reason}")]
    private partial void LogEnded(string watcherId, string workspaceId, string reason);

    private sealed class Set
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public ConcurrentDictionary<string, Watcher> Watchers { get; } = new(StringComparer.Ordinal);
    }
}
