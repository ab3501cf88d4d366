using Hearth.Protocol.Workloads;

namespace Hearth.Server.Workloads;

/// <summary>What a log read yields: a line, or a mark where the log's history jumps.</summary>
internal abstract record LogItem;

/// <summary>A whole line; <see cref="Next"/> is the cursor just past it (where a reader resumes after it).</summary>
internal sealed record LogLine(LogEntry Entry, long Next) : LogItem;

/// <summary>
/// <c>gap</c> (retention dropped what was asked for) or <c>cleared</c> (the log was cleared):
/// the lines that follow start at <see cref="Cursor"/>.
/// </summary>
internal sealed record LogMark(string Type, long Cursor) : LogItem;
