using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Hearth.Server.RuntimeApi;

/// <summary>
/// Text messages for a workspace's <c>/ws</c> socket that do not come from a terminal
/// (watcher events): producers publish a JSON text per workspace, the socket subscribes.
/// A subscriber that falls more than <see cref="Capacity"/> messages behind loses the oldest
/// ones; producers that must say so (watchers' <c>overflow</c>) track that themselves.
/// </summary>
internal sealed class WorkspaceEvents
{
    private const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> subscribers = new();

    /// <summary>Sends <paramref name="json"/> to every current subscriber of the workspace; none is fine.</summary>
    public void Publish(string workspaceId, string json)
    {
        if (!subscribers.TryGetValue(workspaceId, out var current)) return;
        foreach (var subscription in current.Keys)
            subscription.Channel.Writer.TryWrite(json);
    }

    /// <summary>Receives what is published for the workspace from now on, until disposed.</summary>
    public Subscription Subscribe(string workspaceId)
    {
        var subscription = new Subscription(this, workspaceId);
        subscribers.GetOrAdd(workspaceId, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        if (subscribers.TryGetValue(subscription.WorkspaceId, out var current))
            current.TryRemove(subscription, out _);
        subscription.Channel.Writer.TryComplete();
    }

    /// <summary>One subscriber's queue of messages.</summary>
    internal sealed class Subscription(WorkspaceEvents owner, string workspaceId) : IDisposable
    {
        internal Channel<string> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<string>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public string WorkspaceId { get; } = workspaceId;

        public ChannelReader<string> Reader => Channel.Reader;

        public void Dispose() => owner.Remove(this);
    }
}
