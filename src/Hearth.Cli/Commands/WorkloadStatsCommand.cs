using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Output;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Workloads;
using Hearth.Sdk;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth workload stats WS [WL]</c>: what one workload, or each of the workspace's workloads,
/// uses now (CPU in percent of one core, resident memory, processes) as a table.
/// </summary>
internal static class WorkloadStatsCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var workspace = WorkloadCommand.Workspace();
        var workload = new Argument<string?>("workload") { Description = "Workload id or name; without it, every workload", Arity = ArgumentArity.ZeroOrOne };
        var json = CliOptions.Json();
        var command = new Command("stats", "Show what workloads use: CPU, memory, processes, uptime") { workspace, workload, json };

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var ws = parseResult.GetRequiredValue(workspace);
            var stats = parseResult.GetValue(workload) is { } one
                ? [await client.Workspaces.Workloads.StatsAsync(ws, one, cancellationToken)]
                : await EveryAsync(client, ws, cancellationToken);
            if (parseResult.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Out, new WorkloadStatsResult { Stats = stats }, AgentWorkloadJsonContext.Default.WorkloadStatsResult, cancellationToken);
                return ExitCodes.Success;
            }

            var table = new TableWriter("NAME", "STATUS", "PID", "CPU", "MEMORY", "PROCS", "UPTIME", "RESTARTS");
            foreach (var s in stats)
            {
                table.AddRow(
                    s.Name,
                    s.Status,
                    s.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    string.Create(CultureInfo.InvariantCulture, $"{s.CpuPercent:0.0}%"),
                    Format.Bytes(s.RssBytes),
                    s.Processes.ToString(CultureInfo.InvariantCulture),
                    s.Pid is null ? "-" : Format.Duration(s.UptimeSeconds),
                    s.RestartCount.ToString(CultureInfo.InvariantCulture));
            }

            table.WriteTo(context.Out);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Each workload's figures, one call each; one deleted meanwhile is left out.</summary>
    private static async Task<List<WorkloadStats>> EveryAsync(HearthClient client, string workspace, CancellationToken cancellationToken)
    {
        var stats = new List<WorkloadStats>();
        foreach (var w in await client.Workspaces.Workloads.ListAsync(workspace, cancellationToken: cancellationToken))
        {
            try
            {
                stats.Add(await client.Workspaces.Workloads.StatsAsync(workspace, w.Id ?? w.Name, cancellationToken));
            }
            catch (HearthNotFoundException)
            {
                // Deleted between the list and its stats.
            }
        }

        return stats;
    }
}
