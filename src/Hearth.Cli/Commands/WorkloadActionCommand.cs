using System.CommandLine;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workloads;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth workload start WS WL</c> and <c>hearth workload stop WS WL [--timeout S]</c>: one call;
/// prints the workload's name and the status it has after it (a stop returns once it has ended).
/// </summary>
internal static class WorkloadActionCommand
{
    public static Command Create(string verb, CliContext context, GlobalOptions global)
    {
        var workspace = WorkloadCommand.Workspace();
        var workload = WorkloadCommand.Workload();
        var json = CliOptions.Json();
        var command = verb switch
        {
            "start" => new Command(verb, "Start a workload (one that runs is left as it is)") { workspace, workload, json },
            "stop" => new Command(verb, "Stop a workload: SIGTERM, then SIGKILL after the timeout") { workspace, workload, json },
            _ => throw new ArgumentOutOfRangeException(nameof(verb), verb, "not a workload action"),
        };
        var timeout = CliOptions.PositiveInt("--timeout", "Seconds between SIGTERM and SIGKILL (default 10)", "S");
        if (verb == "stop")
        {
            command.Options.Add(timeout);
        }

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var ws = parseResult.GetRequiredValue(workspace);
            var wl = parseResult.GetRequiredValue(workload);
            var info = verb == "start"
                ? await client.Workspaces.Workloads.StartAsync(ws, wl, cancellationToken)
                : await client.Workspaces.Workloads.StopAsync(ws, wl, Seconds(parseResult.GetValue(timeout)), cancellationToken);
            if (parseResult.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Out, new WorkloadResponse { Workload = info }, HearthJsonContext.Default.WorkloadResponse, cancellationToken);
            }
            else
            {
                await context.Out.WriteLineAsync($"{info.Name} {info.Status}");
            }

            if (verb == "start" && info.Status == WorkloadState.Failed)
            {
                await context.Error.WriteLineAsync($"error: workload {info.Name} failed to start: {info.Error ?? "no reason given"}");
                return ExitCodes.Failure;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    public static TimeSpan? Seconds(int? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;
}
