namespace Hearth.Protocol.Workloads;

/// <summary><c>{workload}</c>: create, get, update, start, stop and delete of one workload.</summary>
public sealed record WorkloadResponse
{
    /// <summary>Always true in a success body.</summary>
    public bool Success { get; init; } = true;

    /// <summary>The workload.</summary>
    public required WorkloadInfo Workload { get; init; }

    /// <summary>What happened, for a person.</summary>
    public string? Message { get; init; }
}

/// <summary><c>GET /workspace/:id/workloads</c>.</summary>
public sealed record WorkloadListResponse
{
    /// <summary>Always true in a success body.</summary>
    public bool Success { get; init; } = true;

    /// <summary>The workloads that match, oldest first.</summary>
    public required IReadOnlyList<WorkloadInfo> Workloads { get; init; }

    /// <summary>How many there are.</summary>
    public int Total { get; init; }
}

/// <summary><c>DELETE /workspace/:id/workloads</c>.</summary>
public sealed record WorkloadDeleteAllResponse
{
    /// <summary>Always true in a success body.</summary>
    public bool Success { get; init; } = true;

    /// <summary>How many were deleted.</summary>
    public int Deleted { get; init; }

    /// <summary>The deleted workloads, in their last state.</summary>
    public required IReadOnlyList<WorkloadInfo> Workloads { get; init; }
}

/// <summary><c>GET .../workloads/:wid/status</c>: the state at the top level, and the whole workload.</summary>
public sealed record WorkloadStatusResponse
{
    /// <summary>Always true in a success body.</summary>
    public bool Success { get; init; } = true;

    /// <summary>One of <see cref="WorkloadState"/>.</summary>
    public required string Status { get; init; }

    /// <summary>The same as <see cref="Status"/>.</summary>
    public string State => Status;

    /// <summary>Its pid inside the workspace while it runs.</summary>
    public int? Pid { get; init; }

    /// <summary>How its last run ended, when it ended with a code.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Restarts by its policy since its last start by a request.</summary>
    public int RestartCount { get; init; }

    /// <summary>Why it failed, if it did.</summary>
    public string? Error { get; init; }

    /// <summary>The workload.</summary>
    public required WorkloadInfo Workload { get; init; }
}

/// <summary><c>GET .../workloads/:wid/stats</c>.</summary>
public sealed record WorkloadStatsResponse
{
    /// <summary>Always true in a success body.</summary>
    public bool Success { get; init; } = true;

    /// <summary>The workload's figures.</summary>
    public required WorkloadStats Stats { get; init; }
}

/// <summary>One line of a log as the API returns it.</summary>
public sealed record LogEntry
{
    /// <summary>When the agent read it from the process.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary><c>stdout</c>, <c>stderr</c>, or <c>system</c> (the agent's own notes: started, exited, restarting).</summary>
    public required string Stream { get; init; }

    /// <summary>The text, without its newline.</summary>
    public required string Line { get; init; }

    /// <summary>The line's position in the log's whole history (the byte offset of its start).</summary>
    public required long Cursor { get; init; }
}

/// <summary>
/// <c>GET .../workloads/:wid/logs</c> and <c>GET /workspace/:id/logs</c>: the lines as text
/// (<c>[timestamp] stdout: line</c>) and as entries, and where to continue.
/// </summary>
public sealed record LogsResponse
{
    /// <summary>Always true in a success body.</summary>
    public bool Success { get; init; } = true;

    /// <summary>The workspace log's source (<c>boot</c>, <c>cmd</c>); null for a workload's log.</summary>
    public string? Source { get; init; }

    /// <summary>The lines, one per text line: <c>[2026-11-29T18:00:00.123Z] stdout: hello</c>.</summary>
    public required string Logs { get; init; }

    /// <summary>The same lines, one entry each.</summary>
    public required IReadOnlyList<LogEntry> Entries { get; init; }

    /// <summary>Where the next read (or a stream's <c>since</c>) starts: just past the last line.</summary>
    public required long Cursor { get; init; }
}

/// <summary><c>DELETE .../logs</c>.</summary>
public sealed record LogClearResponse
{
    /// <summary>Always true in a success body.</summary>
    public bool Success { get; init; } = true;

    /// <summary>Always true: the log is empty now.</summary>
    public bool Cleared { get; init; } = true;

    /// <summary>The cursor the next line will have (cursors are never reused).</summary>
    public long Cursor { get; init; }
}

/// <summary><c>GET .../logs/config</c>: <see cref="Agent.LogConfig"/> in an envelope.</summary>
public sealed record LogConfigResponse
{
    /// <summary>Always true in a success body.</summary>
    public bool Success { get; init; } = true;

    /// <summary>The most the log keeps, in MB.</summary>
    public required int MaxLogSizeMb { get; init; }

    /// <summary>Hours a line is kept; 0 for no age limit.</summary>
    public required int LogRetentionHours { get; init; }

    /// <summary>Bytes the log takes on the disk.</summary>
    public required long StoredBytes { get; init; }

    /// <summary>Lines that could not be stored since the agent started.</summary>
    public required long DroppedLines { get; init; }

    /// <summary>Cursor of the oldest line kept.</summary>
    public required long FirstCursor { get; init; }

    /// <summary>Cursor the next line will have.</summary>
    public required long NextCursor { get; init; }

    /// <summary>Where the log is inside the workspace.</summary>
    public required string Path { get; init; }
}

/// <summary>A log file of <c>GET /workspace/:id/logs/list</c>.</summary>
public sealed record LogFile
{
    /// <summary><c>boot.log</c>, <c>cmd.log</c> or <c>workload-&lt;name&gt;.log</c>; the name <c>logs/file/:name</c> takes.</summary>
    public required string Name { get; init; }

    /// <summary>Bytes it takes on the disk.</summary>
    public long Size { get; init; }

    /// <summary>When its last line was written, if it has one.</summary>
    public DateTimeOffset? Modified { get; init; }
}

/// <summary><c>GET /workspace/:id/logs/list</c>.</summary>
public sealed record LogFilesResponse
{
    /// <summary>Always true in a success body.</summary>
    public bool Success { get; init; } = true;

    /// <summary>The workspace's logs.</summary>
    public required IReadOnlyList<LogFile> Files { get; init; }
}

/// <summary><c>GET /workspace/:id/logs/file/:name</c>: the log as text.</summary>
public sealed record LogFileResponse
{
    /// <summary>Always true in a success body.</summary>
    public bool Success { get; init; } = true;

    /// <summary>The file's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its lines in the text form of <see cref="LogsResponse.Logs"/>.</summary>
    public required string Content { get; init; }
}
