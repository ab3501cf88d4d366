using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth ws</c>: the group of workspace commands.</summary>
internal static class WorkspaceCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("ws", "Manage workspaces");
        command.Aliases.Add("workspace");
        command.Subcommands.Add(CreateCommand.Create(context, global));
        command.Subcommands.Add(ListCommand.Create(context, global));
        command.Subcommands.Add(GetCommand.Create(context, global));
        command.Subcommands.Add(RemoveCommand.Create(context, global));
        command.Subcommands.Add(NetworkCommand.Create(context, global));
        foreach (var verb in LifecycleCommand.Verbs)
        {
            command.Subcommands.Add(LifecycleCommand.Create(verb, context, global));
        }

        return command;
    }
}
