using System.CommandLine;
using Hearth.Cli.Output;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Json;
using Hearth.Sdk;

namespace Hearth.Cli.Commands;

/// <summary>
/// What <c>hearth logs</c> and <c>hearth workload logs</c> share: the options and the reading.
/// Without <c>-f</c> one read of the log's end; with it, that read and then every line as it is
/// written (the SDK's follow: history, then the stream from the history's cursor, so no line is
/// lost or printed twice), until the workspace stops or Ctrl+C.
/// </summary>
internal sealed class LogOptions
{
    public const int DefaultTail = 100;

    public LogOptions(bool withSource)
    {
        Tail.Aliases.Add("-n");
        if (withSource)
        {
            Source = new Option<string?>("--source") { Description = "The workspace log to read, without a workload (default cmd)", HelpName = "boot|cmd" };
            Source.AcceptOnlyFromAmong([.. LogSources.All]);
        }
    }

    public Option<bool> Follow { get; } = new("--follow", "-f") { Description = "Keep printing lines as they are written, until Ctrl+C" };

    public Option<int?> Tail { get; } = CliOptions.NonNegativeInt("--tail", $"Begin with this many of the last lines (default {DefaultTail}; 0 for none)");

    public Option<bool> Timestamps { get; } = new("--timestamps", "-t") { Description = "Start each line with the time the agent read it" };

    public Option<bool> Json { get; } = CliOptions.Json();

    public Option<string?>? Source { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Follow);
        command.Options.Add(Tail);
        command.Options.Add(Timestamps);
        command.Options.Add(Json);
        if (Source is not null)
        {
            command.Options.Add(Source);
        }

        command.Validators.Add(result =>
        {
            if (result.GetValue(Follow) && result.GetValue(Json))
            {
                result.AddError("--json prints one document and cannot follow; leave out one of --json and --follow.");
            }
        });
    }

    /// <summary>Prints the log of <paramref name="workload"/>, or the workspace's own log when it is null.</summary>
    public async Task<int> RunAsync(CliContext context, HearthClient client, ParseResult parseResult, string workspace, string? workload, CancellationToken cancellationToken)
    {
        var source = Source is null ? null : parseResult.GetValue(Source);
        if (workload is not null && source is not null)
        {
            throw new CliException("--source names one of the workspace's logs; a workload has one log of its own", ExitCodes.Usage);
        }

        var tail = parseResult.GetValue(Tail);
        var printer = new LogPrinter(context, parseResult.GetValue(Timestamps));
        if (parseResult.GetValue(Follow))
        {
            var lines = workload is null
                ? client.Workspaces.Logs.FollowAsync(workspace, source ?? LogSources.Cmd, tail ?? DefaultTail, cancellationToken)
                : client.Workspaces.Workloads.FollowLogsAsync(workspace, workload, tail ?? DefaultTail, cancellationToken);
            try
            {
                await foreach (var item in lines)
                {
                    await printer.WriteAsync(item, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExecCommand.Interrupted;
            }

            // The server ends the stream when the workspace stops.
            return ExitCodes.Success;
        }

        var logs = workload is null
            ? await client.Workspaces.Logs.GetAsync(workspace, source, tail, cancellationToken)
            : await client.Workspaces.Workloads.LogsAsync(workspace, workload, tail, since: null, cancellationToken);
        if (parseResult.GetValue(Json))
        {
            await JsonOutput.WriteAsync(context.Out, logs, HearthJsonContext.Default.LogsResponse, cancellationToken);
            return ExitCodes.Success;
        }

        foreach (var entry in logs.Entries)
        {
            printer.Line(entry.Stream, entry.Line, entry.Timestamp);
        }

        await printer.FlushAsync(cancellationToken);
        return ExitCodes.Success;
    }
}
