using Hearth.Protocol.Runtime;

namespace Hearth.Sdk.Runtime;

/// <summary>An event of a file watcher (<c>channel: "watcher"</c>): <c>change</c>, <c>ready</c> or <c>overflow</c>.</summary>
/// <example>
/// <code>
/// if (message is WatcherEvent { Event.Type: "overflow" }) await RelistTreeAsync();
/// </code>
/// </example>
public sealed record WatcherEvent : RuntimeSocketMessage
{
    /// <summary>The event as the runtime sent it.</summary>
    public required WatcherEventMessage Event { get; init; }
}
