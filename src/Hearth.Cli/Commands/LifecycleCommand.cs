using System.CommandLine;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth ws start|stop|restart|pause|resume ID</c>: one lifecycle call; prints the id and the status
/// the workspace has after it.
/// </summary>
internal static class LifecycleCommand
{
    public static IReadOnlyList<string> Verbs { get; } = ["start", "stop", "restart", "pause", "resume"];

    public static Command Create(string verb, CliContext context, GlobalOptions global)
    {
        Func<WorkspacesClient, string, CancellationToken, Task<Workspace>> call = verb switch
        {
            "start" => (c, id, ct) => c.StartAsync(id, ct),
            "stop" => (c, id, ct) => c.StopAsync(id, ct),
            "restart" => (c, id, ct) => c.RestartAsync(id, ct),
            "pause" => (c, id, ct) => c.PauseAsync(id, ct),
            "resume" => (c, id, ct) => c.ResumeAsync(id, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(verb), verb, "not a lifecycle verb"),
        };
        var description = verb switch
        {
            "start" => "Start a stopped workspace",
            "stop" => "Stop a workspace, keeping its disk",
            "restart" => "Stop and start a workspace",
            "pause" => "Freeze a running workspace's processes",
            _ => "Thaw a paused workspace",
        };

        var id = new Argument<string>("id") { Description = "Workspace id" };
        var json = CliOptions.Json();
        var command = new Command(verb, description) { id, json };

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var workspace = await call(client.Workspaces, parseResult.GetRequiredValue(id), cancellationToken);
            if (parseResult.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Out, new WorkspaceResponse { Workspace = workspace }, HearthJsonContext.Default.WorkspaceResponse, cancellationToken);
            }
            else
            {
                await context.Out.WriteLineAsync($"{workspace.Id} {workspace.Status}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
