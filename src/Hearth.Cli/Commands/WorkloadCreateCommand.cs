using System.CommandLine;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workloads;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth workload create WS NAME [--env K=V]... [--workdir D] [--user U] [--restart POLICY]
/// [--max-restarts N] [--no-start] -- CMD...</c>: creates a workload (and starts it unless
/// <c>--no-start</c>) and prints its id. A program that cannot run still creates it, as
/// <c>failed</c>: the reason goes to stderr and the exit code is 1.
/// </summary>
internal static class WorkloadCreateCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var workspace = WorkloadCommand.Workspace();
        var name = new Argument<string>("name") { Description = "The workload's name, unique in the workspace" };
        var commandLine = new Argument<string[]>("command")
        {
            Description = "The program and its arguments (put them after --)",
            Arity = ArgumentArity.OneOrMore,
        };
        var env = CliOptions.Env("Environment variable on top of the workspace's (repeatable)");
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Absolute directory to run in", HelpName = "DIR" };
        var user = new Option<string?>("--user", "-u") { Description = "User to run as (name or uid, optionally :group)", HelpName = "USER" };
        var restart = new Option<string?>("--restart") { Description = "Restart policy (default on-failure)", HelpName = "POLICY" };
        restart.AcceptOnlyFromAmong([.. WorkloadRestartPolicy.All]);
        var maxRestarts = CliOptions.NonNegativeInt("--max-restarts", "Restarts in a row before it is failed (default 10; 0 for no limit)");
        var noStart = new Option<bool>("--no-start") { Description = "Create it stopped, and do not start it with the workspace" };
        var json = CliOptions.Json();
        var command = new Command("create", "Create a workload and start it")
        {
            workspace, name, commandLine, env, workdir, user, restart, maxRestarts, noStart, json,
        };

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var spec = new WorkloadSpec
            {
                Name = parseResult.GetRequiredValue(name),
                Cmd = parseResult.GetRequiredValue(commandLine),
                Env = CliOptions.EnvMap(parseResult.GetValue(env) ?? []),
                WorkingDir = parseResult.GetValue(workdir),
                User = parseResult.GetValue(user),
                AutoStart = !parseResult.GetValue(noStart),
            };
            if (parseResult.GetValue(restart) is { } policy)
            {
                spec = spec with { RestartPolicy = policy };
            }

            if (parseResult.GetValue(maxRestarts) is { } max)
            {
                spec = spec with { MaxRestarts = max };
            }

            var workload = await client.Workspaces.Workloads.CreateAsync(parseResult.GetRequiredValue(workspace), spec, cancellationToken);
            if (parseResult.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Out, new WorkloadResponse { Workload = workload }, HearthJsonContext.Default.WorkloadResponse, cancellationToken);
            }
            else
            {
                await context.Out.WriteLineAsync(workload.Id);
            }

            if (workload.Status == WorkloadState.Failed)
            {
                await context.Error.WriteLineAsync($"error: workload {workload.Name} was created but failed: {workload.Error ?? "no reason given"}");
                return ExitCodes.Failure;
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
