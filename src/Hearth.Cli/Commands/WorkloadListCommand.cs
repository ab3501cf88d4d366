using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workloads;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth workload ls WS [--state S]... [--name N]</c>: a workspace's workloads as a table.</summary>
internal static class WorkloadListCommand
{
    private static readonly string[] States =
        [WorkloadState.Running, WorkloadState.Pending, WorkloadState.Stopped, WorkloadState.Exited, WorkloadState.Failed];

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var workspace = WorkloadCommand.Workspace();
        var state = new Option<string[]>("--state") { Description = "Only workloads in this state (repeatable)", HelpName = "STATE" };
        state.AcceptOnlyFromAmong(States);
        var name = new Option<string?>("--name") { Description = "Only the workload of this name", HelpName = "NAME" };
        var json = CliOptions.Json();
        var command = new Command("ls", "List a workspace's workloads") { workspace, state, name, json };
        command.Aliases.Add("list");

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var states = parseResult.GetValue(state) ?? [];
            var workloads = await client.Workspaces.Workloads.ListAsync(
                parseResult.GetRequiredValue(workspace), states.Length == 0 ? null : states, parseResult.GetValue(name), cancellationToken);
            if (parseResult.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Out, new WorkloadListResponse { Workloads = workloads, Total = workloads.Count },
                    HearthJsonContext.Default.WorkloadListResponse, cancellationToken);
                return ExitCodes.Success;
            }

            var table = new TableWriter("ID", "NAME", "STATUS", "PID", "RESTARTS", "UPTIME", "COMMAND");
            foreach (var w in workloads)
            {
                table.AddRow(
                    w.Id ?? "-",
                    w.Name,
                    w.Status,
                    w.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    w.RestartCount.ToString(CultureInfo.InvariantCulture),
                    Format.Duration(w.UptimeSeconds),
                    string.Join(' ', w.Cmd));
            }

            table.WriteTo(context.Out);
            return ExitCodes.Success;
        });
        return command;
    }
}
