using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth workload logs WS WL [-f] [--tail N] [-t] [--json]</c>: the same as <c>hearth logs WS WL</c>.</summary>
internal static class WorkloadLogsCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var workspace = WorkloadCommand.Workspace();
        var workload = WorkloadCommand.Workload();
        var options = new LogOptions(withSource: false);
        var command = new Command("logs", "Print a workload's log; -f follows it") { workspace, workload };
        options.AddTo(command);

        ApiAction.Set(command, context, global, (parseResult, client, cancellationToken) =>
            options.RunAsync(context, client, parseResult, parseResult.GetRequiredValue(workspace), parseResult.GetRequiredValue(workload), cancellationToken));
        return command;
    }
}
