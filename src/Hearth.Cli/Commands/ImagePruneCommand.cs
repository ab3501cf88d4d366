using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth image prune</c>: deletes the layers no image and no workspace uses.</summary>
internal static class ImagePruneCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var json = CliOptions.Json();
        var command = new Command("prune", "Delete layers no image and no workspace uses") { json };

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var result = await client.Workspaces.Images.PruneAsync(cancellationToken);
            if (parseResult.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Out, result, HearthJsonContext.Default.PruneImagesResponse, cancellationToken);
            }
            else
            {
                await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"removed {result.RemovedLayers} layers, freed {Format.Bytes(result.FreedBytes)}"));
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
