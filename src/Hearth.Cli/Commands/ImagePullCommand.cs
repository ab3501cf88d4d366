using System.CommandLine;
using Hearth.Cli.Output;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth image pull REF</c>: pulls from an OCI registry, printing each layer as it arrives.</summary>
internal static class ImagePullCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var reference = new Argument<string>("reference") { Description = "host[:port]/name[:tag|@sha256:digest]" };
        var json = CliOptions.Json();
        var command = new Command("pull", "Pull an image from a registry") { reference, json };

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var progress = new ImageProgress(context, parseResult.GetValue(json));
            var image = await client.Workspaces.Images.PullAsync(parseResult.GetRequiredValue(reference), progress, cancellationToken);
            return await progress.FinishAsync(image, cancellationToken);
        });
        return command;
    }
}
