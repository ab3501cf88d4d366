namespace Hearth.Sdk;

/// <summary>
/// One item of a log stream (a workload's, or the workspace's boot or cmd log): a line, or a
/// notice that the log was cleared or that lines were lost to its limits (<see cref="Kind"/>).
/// </summary>
/// <example>
/// <code>
/// await foreach (var item in client.Workspaces.Workloads.FollowLogsAsync("ws_abc123", "api", tail: 50, ct))
/// {
///     switch (item.Kind)
///     {
///         case WorkloadLogLineKind.Line: Console.WriteLine($"{item.Stream}: {item.Line}"); break;
///         case WorkloadLogLineKind.Cleared: Console.WriteLine("-- log cleared --"); break;
///         case WorkloadLogLineKind.Gap: Console.WriteLine("-- lines lost to the log's limits --"); break;
///     }
/// }
/// </code>
/// </example>
public sealed record WorkloadLogLine
{
    /// <summary>What the item carries.</summary>
    public WorkloadLogLineKind Kind { get; init; } = WorkloadLogLineKind.Line;

    /// <summary>The text without its newline, on <see cref="WorkloadLogLineKind.Line"/>; empty otherwise.</summary>
    public string Line { get; init; } = "";

    /// <summary><c>stdout</c>, <c>stderr</c> or <c>system</c> (the agent's own notes: started, exited, restarting), when the server says.</summary>
    public string? Stream { get; init; }

    /// <summary>When the agent read the line from the process, when the server says.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>
    /// On a line, its position in the log's whole history (the byte offset of its start); on
    /// <see cref="WorkloadLogLineKind.Cleared"/> and <see cref="WorkloadLogLineKind.Gap"/>, where
    /// the log goes on. Null when the server sent none.
    /// </summary>
    public long? Cursor { get; init; }

    /// <summary>
    /// The cursor just past this item (the SSE event id): pass it as <c>since</c> to resume a
    /// stream after this line without losing or repeating one. Null when the server sent none.
    /// </summary>
    public long? NextCursor { get; init; }
}
