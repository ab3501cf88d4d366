namespace Hearth.Sdk.Runtime;

/// <summary>
/// One event of an exec stream (<c>POST /exec/stream</c>, <c>GET /exec/stream?task_id=</c>): the
/// task id, a chunk of output with its base64 already decoded, or the exit code. The buffered-output
/// event a runtime sends when attaching to a finished task arrives as <see cref="ExecEventKind.Stdout"/>
/// and <see cref="ExecEventKind.Stderr"/> events too.
/// </summary>
/// <example>
/// <code>
/// await foreach (var e in rt.Exec.StreamAsync(["npm", "test"]))
/// {
///     switch (e.Kind)
///     {
///         case ExecEventKind.Stdout: await stdout.WriteAsync(e.Data); break;
///         case ExecEventKind.Stderr: await stderr.WriteAsync(e.Data); break;
///         case ExecEventKind.Exit: Console.WriteLine($"exit {e.ExitCode}"); break;
///     }
/// }
/// </code>
/// </example>
public sealed record ExecEvent
{
    /// <summary>What the event carries.</summary>
    public required ExecEventKind Kind { get; init; }

    /// <summary>The task id, on <see cref="ExecEventKind.TaskId"/>.</summary>
    public string? TaskId { get; init; }

    /// <summary>The output bytes, on <see cref="ExecEventKind.Stdout"/> and <see cref="ExecEventKind.Stderr"/>.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The exit code (128 + signal when killed), on <see cref="ExecEventKind.Exit"/>.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The process's pid inside the workspace, on <see cref="ExecEventKind.Exit"/> when the runtime sends it.</summary>
    public int? Pid { get; init; }
}
