using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth logs WS [WORKLOAD] [-f] [--tail N] [--source boot|cmd] [-t] [--json]</c>: a workload's
/// log, or without WORKLOAD the workspace's own: its main command's output (<c>cmd</c>), or the
/// agent's messages (<c>--source boot</c>).
/// </summary>
internal static class LogsCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var workspace = new Argument<string>("workspace") { Description = "Workspace id" };
        var workload = new Argument<string?>("workload")
        {
            Description = "Workload id or name; without it, the workspace's own log",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var options = new LogOptions(withSource: true);
        var command = new Command("logs", "Print a workload's or the workspace's log; -f follows it") { workspace, workload };
        options.AddTo(command);

        ApiAction.Set(command, context, global, (parseResult, client, cancellationToken) =>
            options.RunAsync(context, client, parseResult, parseResult.GetRequiredValue(workspace), parseResult.GetValue(workload), cancellationToken));
        return command;
    }
}
