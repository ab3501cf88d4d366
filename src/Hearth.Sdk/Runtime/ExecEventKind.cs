namespace Hearth.Sdk.Runtime;

/// <summary>What an <see cref="ExecEvent"/> carries.</summary>
public enum ExecEventKind
{
    /// <summary>The first event: <see cref="ExecEvent.TaskId"/> names the task (for input, kill, attach).</summary>
    TaskId,

    /// <summary>Bytes the command wrote to stdout, in <see cref="ExecEvent.Data"/>.</summary>
    Stdout,

    /// <summary>Bytes the command wrote to stderr, in <see cref="ExecEvent.Data"/>.</summary>
    Stderr,

    /// <summary>The last event: the command ended with <see cref="ExecEvent.ExitCode"/>.</summary>
    Exit,
}
