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
