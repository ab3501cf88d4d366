using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth workload</c>: the group of workload commands (supervised processes in a workspace).</summary>
internal static class WorkloadCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("workload", "Manage a workspace's workloads: supervised long-running processes");
        command.Aliases.Add("workloads");
        command.Aliases.Add("wl");
        command.Subcommands.Add(WorkloadListCommand.Create(context, global));
        command.Subcommands.Add(WorkloadCreateCommand.Create(context, global));
        command.Subcommands.Add(WorkloadGetCommand.Create(context, global));
        command.Subcommands.Add(WorkloadActionCommand.Create("start", context, global));
        command.Subcommands.Add(WorkloadActionCommand.Create("stop", context, global));
        command.Subcommands.Add(WorkloadRemoveCommand.Create(context, global));
        command.Subcommands.Add(WorkloadLogsCommand.Create(context, global));
        command.Subcommands.Add(WorkloadStatsCommand.Create(context, global));
        return command;
    }

    public static Argument<string> Workspace() => new("workspace") { Description = "Workspace id" };

    public static Argument<string> Workload() => new("workload") { Description = "Workload id or name" };
}
