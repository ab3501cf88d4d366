using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth workload rm WS WL... [--timeout S]</c>: stops and deletes each workload with its log,
/// going on past failures, and fails if any failed.
/// </summary>
internal static class WorkloadRemoveCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var workspace = WorkloadCommand.Workspace();
        var workloads = new Argument<string[]>("workload") { Description = "Workload ids or names", Arity = ArgumentArity.OneOrMore };
        var timeout = CliOptions.PositiveInt("--timeout", "Seconds between SIGTERM and SIGKILL (default 10)", "S");
        var json = CliOptions.Json();
        var command = new Command("rm", "Stop and delete workloads and their logs") { workspace, workloads, timeout, json };
        command.Aliases.Add("delete");

        ApiAction.Set(command, context, global, (parseResult, client, cancellationToken) =>
        {
            var ws = parseResult.GetRequiredValue(workspace);
            var grace = WorkloadActionCommand.Seconds(parseResult.GetValue(timeout));
            return EachArgument.RunAsync(context, parseResult.GetRequiredValue(workloads), parseResult.GetValue(json), "deleted",
                wl => client.Workspaces.Workloads.DeleteAsync(ws, wl, grace, cancellationToken), cancellationToken);
        });
        return command;
    }
}
