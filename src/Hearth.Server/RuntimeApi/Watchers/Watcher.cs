using System.Text.Json;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Json;
using Hearth.Protocol.Runtime;
using Hearth.Runtime;
using Hearth.Runtime.Agent;

namespace Hearth.Server.RuntimeApi.Watchers;

/// <summary>
/// One running <c>watch</c> operation in a workspace's agent, on a connection of its own (a
/// client that reads slowly must not stall the workspace's shared connection). It forwards
/// each event to the workspace's <c>/ws</c> channel and to its own subscribers, and becomes
/// inactive when the operation ends (deleted, root removed, workspace stopped).
/// </summary>
internal sealed class Watcher
{
    private readonly AgentConnection connection;
    private readonly AgentCall call;
    private readonly CancellationTokenSource ended = new();
    private Task pump = Task.CompletedTask;
    private int closed;

    private Watcher(string id, string workspaceId, int initPid, string root, int dirs, IReadOnlyList<string> excludes,
        AgentConnection connection, AgentCall call)
    {
        Id = id;
        WorkspaceId = workspaceId;
        InitPid = initPid;
        Root = root;
        Dirs = dirs;
        Excludes = excludes;
        this.connection = connection;
        this.call = call;
    }

    public string Id { get; }

    public string WorkspaceId { get; }

    /// <summary>The workspace's init pid when the watch started: another pid means the workspace was stopped since.</summary>
    public int InitPid { get; }

    public string Root { get; }

    public int Dirs { get; }

    public IReadOnlyList<string> Excludes { get; }

    public bool Active => !ended.IsCancellationRequested;

    /// <summary>Cancelled when the watch has ended.</summary>
    public CancellationToken Ended => ended.Token;

    /// <summary>Why the watch ended, if it ended on its own.</summary>
    public string? EndReason { get; private set; }

    public WatcherInfo ToWire() => new() { Id = Id, Root = Root, DirCount = Dirs, Excludes = Excludes, Active = Active };

    /// <summary>
    /// Starts the watch on <paramref name="connection"/> (which the watcher owns from then on,
    /// and disposes) and waits for <c>ready</c>. An agent error (<c>not_found</c>,
    /// <c>forbidden</c>, ...) is thrown as the agent's <see cref="RuntimeException"/>.
    /// </summary>
    public static async Task<Watcher> StartAsync(string id, string workspaceId, int initPid, AgentConnection connection,
        WatchArgs args, Action<Watcher, WatcherEventMessage> publish, CancellationToken cancellationToken)
    {
        try
        {
            var call = await connection.StartAsync("watch", JsonSerializer.SerializeToElement(args, AgentWatchSearchJsonContext.Default.WatchArgs), cancellationToken);
            var first = await call.Items.ReadAsync(cancellationToken);
            var ready = first.Event?.Deserialize(AgentWatchSearchJsonContext.Default.WatchEvent);
            if (ready is not { Type: "ready", Root: { } root })
                throw new RuntimeException("agent_error", "the agent's watch did not start with ready");
            var watcher = new Watcher(id, workspaceId, initPid, root, ready.Dirs ?? 0, args.Excludes ?? [], connection, call);
            publish(watcher, watcher.Message(ready));
            watcher.pump = watcher.PumpAsync(publish);
            return watcher;
        }
        catch (System.Threading.Channels.ChannelClosedException e) when (e.InnerException is RuntimeException agent)
        {
            await connection.DisposeAsync();
            throw agent;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the watch: closing its connection ends the operation in the agent.</summary>
    public async Task StopAsync()
    {
        await CloseAsync();
        await pump;
    }

    /// <summary>AgentConnection.DisposeAsync may run once; the pump and <see cref="StopAsync"/> both close.</summary>
    private async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref closed, 1) == 0) await connection.DisposeAsync();
    }

    private async Task PumpAsync(Action<Watcher, WatcherEventMessage> publish)
    {
        try
        {
            await foreach (var item in call.Items.ReadAllAsync())
            {
                if (item.Event?.Deserialize(AgentWatchSearchJsonContext.Default.WatchEvent) is { } e)
                    publish(this, Message(e));
            }
            EndReason = "the watch ended";
        }
        catch (RuntimeException e)
        {
            // not_found: the root was removed; agent_unreachable: the workspace stopped.
            EndReason = e.Message;
        }
        catch (System.Threading.Channels.ChannelClosedException e)
        {
            EndReason = e.InnerException?.Message ?? e.Message;
        }
        finally
        {
            ended.Cancel();
            await CloseAsync();
        }
    }

    private WatcherEventMessage Message(WatchEvent e) => new()
    {
        Type = e.Type,
        WatcherId = Id,
        Path = e.Path,
        Op = e.Op,
        Root = e.Root,
        Dirs = e.Dirs,
        Message = e.Message,
    };

    /// <summary>The message as the <c>/ws</c> text frame of the SDK.</summary>
    public static string Json(WatcherEventMessage message) => JsonSerializer.Serialize(message, HearthJsonContext.Default.WatcherEventMessage);
}
