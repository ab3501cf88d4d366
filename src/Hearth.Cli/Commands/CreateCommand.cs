using System.CommandLine;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth ws create --image NAME [...] [-- CMD...]</c>: creates a workspace and prints its id.</summary>
internal static class CreateCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var image = new Option<string>("--image") { Description = "Image to create the workspace from", HelpName = "NAME", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name", HelpName = "NAME" };
        var cpus = CliOptions.PositiveInt("--cpus", "Virtual CPUs", "N");
        var memory = CliOptions.PositiveInt("--memory", "Memory in MB", "MB");
        var disk = CliOptions.PositiveInt("--disk", "Disk size in MB", "MB");
        var mode = new Option<string?>("--mode") { Description = "Lifetime mode", HelpName = "MODE" };
        mode.AcceptOnlyFromAmong(WorkspaceMode.Permanent, WorkspaceMode.Temporary);
        var ttl = new Option<string?>("--ttl") { Description = "Time to live, such as 30m, 2h or a number of seconds", HelpName = "DURATION" };
        var env = CliOptions.Env("Environment variable of the workspace's processes (repeatable)");
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Makes a retried create return the first workspace", HelpName = "KEY" };
        var commandLine = new Argument<string[]>("command")
        {
            Description = "The workspace's main process, after --",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var json = CliOptions.Json();

        var command = new Command("create", "Create a workspace; returns once it runs")
        {
            image, name, cpus, memory, disk, mode, ttl, env, idempotencyKey, json, commandLine,
        };

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var request = new CreateWorkspaceRequest
            {
                Image = parseResult.GetRequiredValue(image),
                Name = parseResult.GetValue(name),
                Mode = parseResult.GetValue(mode),
                IdempotencyKey = parseResult.GetValue(idempotencyKey),
                Config = BuildConfig(
                    parseResult.GetValue(cpus),
                    parseResult.GetValue(memory),
                    parseResult.GetValue(disk),
                    parseResult.GetValue(ttl),
                    parseResult.GetValue(env) ?? [],
                    parseResult.GetValue(commandLine) ?? []),
            };

            var workspace = await client.Workspaces.CreateAsync(request, cancellationToken);
            if (parseResult.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Out, new WorkspaceResponse { Workspace = workspace }, HearthJsonContext.Default.WorkspaceResponse, cancellationToken);
            }
            else
            {
                await context.Out.WriteLineAsync(workspace.Id);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    internal static WorkspaceConfig? BuildConfig(int? cpus, int? memoryMb, int? diskMb, string? ttl, string[] env, string[] commandLine)
    {
        if (cpus is null && memoryMb is null && diskMb is null && ttl is null && env.Length == 0 && commandLine.Length == 0)
        {
            return null;
        }

        return new WorkspaceConfig
        {
            Cpus = cpus,
            MemoryMb = memoryMb,
            DiskSizeMb = diskMb,
            Ttl = ttl,
            Env = CliOptions.EnvMap(env),
            Cmd = commandLine.Length == 0 ? null : commandLine,
        };
    }
}
