using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Output;
using Hearth.Protocol.Images;
using Hearth.Protocol.Json;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth image ls</c>: every image of the host as a table; an alias shows what it stands for.</summary>
internal static class ImageListCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var json = CliOptions.Json();
        var command = new Command("ls", "List the catalogue, imported and pulled images") { json };
        command.Aliases.Add("list");

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var result = await client.Workspaces.Images.ListAsync(cancellationToken);
            if (parseResult.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Out, result, HearthJsonContext.Default.ImagesResponse, cancellationToken);
                return ExitCodes.Success;
            }

            var table = new TableWriter("NAME", "SOURCE", "STATUS", "SIZE", "LAYERS", "SOFTWARE");
            foreach (var image in result.Images)
            {
                table.AddRow(
                    image.AliasOf is { } target ? $"{image.Id} -> {target}" : image.Id,
                    image.Source,
                    image.Status,
                    Format.Bytes(image.SizeBytes),
                    image.Layers.Count == 0 ? "-" : image.Layers.Count.ToString(CultureInfo.InvariantCulture),
                    image.Software.Count == 0 ? "-" : string.Join(", ", image.Software));
            }

            table.WriteTo(context.Out);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The one-line outcome of a build, import or pull.</summary>
    internal static string Describe(ImageInfo image)
    {
        var layers = image.Layers.Count == 1 ? "1 layer" : string.Create(CultureInfo.InvariantCulture, $"{image.Layers.Count} layers");
        var line = $"{image.Id}: {image.Status}, {layers}, {Format.Bytes(image.SizeBytes)}";
        if (image.Digest is { } digest)
        {
            line += $", {digest}";
        }

        return image.Software.Count == 0 ? line : $"{line} ({string.Join(", ", image.Software)})";
    }
}
