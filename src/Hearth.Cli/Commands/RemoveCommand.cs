using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth ws rm ID...</c>: deletes each workspace, going on past failures, and fails if any failed.
/// </summary>
internal static class RemoveCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var ids = new Argument<string[]>("id") { Description = "Workspace ids", Arity = ArgumentArity.OneOrMore };
        var json = CliOptions.Json();
        var command = new Command("rm", "Delete workspaces and their disks") { ids, json };
        command.Aliases.Add("delete");

        ApiAction.Set(command, context, global, (parseResult, client, cancellationToken) =>
            EachArgument.RunAsync(context, parseResult.GetRequiredValue(ids), parseResult.GetValue(json), "deleted",
                id => client.Workspaces.DeleteAsync(id, cancellationToken), cancellationToken));
        return command;
    }
}
