using Hearth.Sdk;

namespace Hearth.Cli.Output;

/// <summary>
/// Prints log lines as <c>docker logs</c> does: a process's stdout lines on stdout, its stderr
/// lines on stderr (so <c>| grep</c> sees what the process printed), and the agent's own notes
/// (started, exited, restarting) and the stream's notices on stderr with an <c>[agent]</c>
/// prefix. With timestamps each line starts with the time the agent read it.
/// </summary>
internal sealed class LogPrinter(CliContext context, bool timestamps)
{
    public const string SystemStream = "system";

    public void Line(string? stream, string line, DateTimeOffset? timestamp)
    {
        var text = timestamps && timestamp is { } at ? $"{Format.LogTimestamp(at)} {line}" : line;
        switch (stream)
        {
            case "stderr":
                context.Error.WriteLine(text);
                break;
            case SystemStream:
                context.Error.WriteLine($"[agent] {text}");
                break;
            default:
                context.Out.WriteLine(text);
                break;
        }
    }

    /// <summary>One item of a stream; flushed at once, so a follower sees each line as it comes.</summary>
    public async Task WriteAsync(WorkloadLogLine item, CancellationToken cancellationToken)
    {
        switch (item.Kind)
        {
            case WorkloadLogLineKind.Cleared:
                await context.Error.WriteLineAsync("[agent] the log was cleared");
                break;
            case WorkloadLogLineKind.Gap:
                await context.Error.WriteLineAsync("[agent] lines are missing here: the log's size or age limit dropped them before they were read");
                break;
            default:
                Line(item.Stream, item.Line, item.Timestamp);
                break;
        }

        await FlushAsync(cancellationToken);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await context.Out.FlushAsync(cancellationToken);
        await context.Error.FlushAsync(cancellationToken);
    }
}
