using System.CommandLine;
using Hearth.Cli.Output;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth image build NAME [--rebuild]</c>: builds a catalogue image, printing each step as it happens.</summary>
internal static class ImageBuildCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "Catalogue image (or alias) to build" };
        var rebuild = new Option<bool>("--rebuild") { Description = "Build every layer again; running workspaces keep the old build" };
        var json = CliOptions.Json();
        var command = new Command("build", "Build a catalogue image") { name, rebuild, json };

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var progress = new ImageProgress(context, parseResult.GetValue(json));
            var image = await client.Workspaces.Images.BuildAsync(parseResult.GetRequiredValue(name), parseResult.GetValue(rebuild), progress, cancellationToken);
            return await progress.FinishAsync(image, cancellationToken);
        });
        return command;
    }
}
