namespace Hearth.Sdk;

/// <summary>What a <see cref="WorkloadLogLine"/> carries.</summary>
public enum WorkloadLogLineKind
{
    /// <summary>One line of the log, in <see cref="WorkloadLogLine.Line"/>.</summary>
    Line,

    /// <summary>The log was cleared; lines go on at <see cref="WorkloadLogLine.Cursor"/> (cursors are never reused).</summary>
    Cleared,

    /// <summary>
    /// Lines the reader asked for are gone (the log's size or age limit dropped them before they
    /// were read); the stream goes on at <see cref="WorkloadLogLine.Cursor"/>, the oldest line kept.
    /// </summary>
    Gap,
}
