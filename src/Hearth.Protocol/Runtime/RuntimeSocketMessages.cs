namespace Hearth.Protocol.Runtime;

// The multiplexed /ws socket: binary frames are [terminal id byte][raw bytes] in both directions
// (stdin to, output from a terminal); text frames are JSON objects told apart by "channel" and
// "type". Only the text frames have records here.

/// <summary>Client to server on <c>/ws</c>: resize a terminal's PTY.</summary>
public sealed record TerminalResizeMessage
{
    /// <summary>Always <c>terminal</c>.</summary>
    public string Channel { get; init; } = "terminal";
    /// <summary>Always <c>resize</c>.</summary>
    public string Type { get; init; } = "resize";
    /// <summary>The terminal session id (<c>"1"</c>).</summary>
    public required string Id { get; init; }
    /// <summary>New width in columns.</summary>
    public int Cols { get; init; }
    /// <summary>New height in rows.</summary>
    public int Rows { get; init; }
}

/// <summary>Server to client on <c>/ws</c>: a terminal's process ended.</summary>
public sealed record TerminalExitMessage
{
    /// <summary>Always <c>terminal</c>.</summary>
    public string Channel { get; init; } = "terminal";
    /// <summary>Always <c>exit</c>.</summary>
    public string Type { get; init; } = "exit";
    /// <summary>The terminal session id (<c>"1"</c>).</summary>
    public required string Id { get; init; }
    /// <summary>The process's exit code.</summary>
    public int Code { get; init; }
}

/// <summary>Server to client on <c>/ws</c>: an event of a file watcher.</summary>
public sealed record WatcherEventMessage
{
    /// <summary>Always <c>watcher</c>.</summary>
    public string Channel { get; init; } = "watcher";
    /// <summary>
    /// <c>change</c> (<see cref="Path"/>, <see cref="Op"/>), <c>ready</c> (<see cref="Root"/>,
    /// <see cref="Dirs"/>: every directory is watched) or <c>overflow</c> (<see cref="Message"/>:
    /// events were lost, list the tree again).
    /// </summary>
    public required string Type { get; init; }
    /// <summary>The watcher the event belongs to.</summary>
    public required string WatcherId { get; init; }
    /// <summary>The changed path (<c>change</c>).</summary>
    public string? Path { get; init; }
    /// <summary><c>create</c>, <c>write</c>, <c>remove</c>, <c>rename</c> or <c>unknown</c> (<c>change</c>).</summary>
    public string? Op { get; init; }
    /// <summary>The watched directory (<c>ready</c>).</summary>
    public string? Root { get; init; }
    /// <summary>How many directories are watched (<c>ready</c>).</summary>
    public int? Dirs { get; init; }
    /// <summary>What went wrong (<c>overflow</c>).</summary>
    public string? Message { get; init; }
}
