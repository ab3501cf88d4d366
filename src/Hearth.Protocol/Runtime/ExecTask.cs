namespace Hearth.Protocol.Runtime;

/// <summary>An exec task as <c>POST /exec</c> (sync) and <c>GET /exec/:id</c> return it.</summary>
public sealed record ExecTask
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The task id (<c>task_...</c>).</summary>
    public required string Id { get; init; }
    /// <summary>The argv that ran (after <c>exec_mode</c> was applied).</summary>
    public required IReadOnlyList<string> Command { get; init; }
    /// <summary><c>pending</c>, <c>running</c>, <c>exited</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }
    /// <summary>The process's pid inside the workspace.</summary>
    public int? GuestPid { get; init; }
    /// <summary>The exit code (128 + signal when killed); null while running.</summary>
    public int? ExitCode { get; init; }
    /// <summary>Everything written to stdout, as UTF-8 text (the buffer keeps the last 10 MiB).</summary>
    public string Stdout { get; init; } = "";
    /// <summary>Everything written to stderr, as UTF-8 text (the buffer keeps the last 10 MiB).</summary>
    public string Stderr { get; init; } = "";
    /// <summary>True when <c>timeout_seconds</c> elapsed and the task was killed.</summary>
    public bool TimedOut { get; init; }
    /// <summary>When the task was accepted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the process started.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>When the process ended.</summary>
    public DateTimeOffset? ExitedAt { get; init; }
    /// <summary>How long the task is kept after it ends, in seconds (-1: until deleted).</summary>
    public int TtlSeconds { get; init; }
}

/// <summary>Response of <c>GET /exec</c>.</summary>
public sealed record ExecTaskList
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The workspace's tasks, newest first.</summary>
    public required IReadOnlyList<ExecTask> Tasks { get; init; }
}

/// <summary>Body of <c>POST /exec</c> and <c>POST /exec/stream</c>.</summary>
public sealed record ExecRequest
{
    /// <summary>The argv to run (a single string with shell syntax runs under <c>/bin/sh -c</c> in <c>auto</c> mode).</summary>
    public required IReadOnlyList<string> Cmd { get; init; }
    /// <summary><c>auto</c> (default), <c>shell</c> (join for <c>/bin/sh -c</c>) or <c>direct</c>.</summary>
    public string? ExecMode { get; init; }
    /// <summary>Kill the task after this many seconds (0 or absent: never).</summary>
    public int? TimeoutSeconds { get; init; }
    /// <summary>How long the task is kept after it ends (0 or absent: 300 s; -1: until deleted).</summary>
    public int? TtlSeconds { get; init; }
    /// <summary>Keep the output buffers after the task ends.</summary>
    public bool? KeepLogs { get; init; }
    /// <summary>On <c>POST /exec</c>: answer with the SSE stream of <c>POST /exec/stream</c>.</summary>
    public bool? Stream { get; init; }
}

/// <summary>Response of <c>POST /exec/:id/input</c>.</summary>
public sealed record ExecInputResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>How many bytes reached the task's stdin.</summary>
    public long BytesWritten { get; init; }
}

/// <summary>Response of <c>DELETE /exec</c>.</summary>
public sealed record ExecDeleteAllResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>How many tasks were killed and forgotten.</summary>
    public int Deleted { get; init; }
}
