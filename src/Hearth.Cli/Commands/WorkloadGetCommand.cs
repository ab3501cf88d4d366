using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workloads;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth workload get WS WL</c>: one workload as aligned <c>key value</c> lines (environment variables by name only).</summary>
internal static class WorkloadGetCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var workspace = WorkloadCommand.Workspace();
        var workload = WorkloadCommand.Workload();
        var json = CliOptions.Json();
        var command = new Command("get", "Show one workload") { workspace, workload, json };
        command.Aliases.Add("inspect");

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var info = await client.Workspaces.Workloads.GetAsync(parseResult.GetRequiredValue(workspace), parseResult.GetRequiredValue(workload), cancellationToken);
            if (parseResult.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Out, new WorkloadResponse { Workload = info }, HearthJsonContext.Default.WorkloadResponse, cancellationToken);
            }
            else
            {
                Write(context, info);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(CliContext context, WorkloadInfo w)
    {
        var now = context.Time.GetUtcNow();
        var restarts = w.MaxRestarts == 0 ? $"{w.RestartPolicy}, no limit" : string.Create(CultureInfo.InvariantCulture, $"{w.RestartPolicy}, at most {w.MaxRestarts} in a row");
        var lines = new List<(string Key, string? Value)>
        {
            ("ID", w.Id),
            ("Name", w.Name),
            ("Status", w.Status),
            ("Error", w.Error),
            ("PID", w.Pid?.ToString(CultureInfo.InvariantCulture)),
            ("Exit code", w.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? (w.ExitSignal is { } signal ? string.Create(CultureInfo.InvariantCulture, $"killed by signal {signal}") : null)),
            ("Command", string.Join(' ', w.Cmd)),
            ("Workdir", w.WorkingDir),
            ("User", w.User),
            ("Env", w.Env is { Count: > 0 } env ? string.Join(", ", env.Keys.Order(StringComparer.Ordinal)) : null),
            ("Restart", restarts),
            ("Restarts", w.RestartCount.ToString(CultureInfo.InvariantCulture)),
            ("Next try", w.NextRestartAt is { } next ? Format.Timestamp(next) : null),
            ("Started", w.StartedAt is { } started ? $"{Format.Timestamp(started)} ({Format.Age(started, now)})" : null),
            ("Finished", w.FinishedAt is { } finished ? $"{Format.Timestamp(finished)} ({Format.Age(finished, now)})" : null),
            ("Created", $"{Format.Timestamp(w.CreatedAt)} ({Format.Age(w.CreatedAt, now)})"),
        };

        foreach (var (key, value) in lines)
        {
            if (!string.IsNullOrEmpty(value))
            {
                context.Out.WriteLine($"{key,-10} {value}");
            }
        }
    }
}
