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
                    LayerCount(image) == 0 ? "-" : LayerCount(image).ToString(CultureInfo.InvariantCulture),
                    image.Software is { Count: > 0 } software ? string.Join(", ", software) : "-");
            }

            table.WriteTo(context.Out);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The one-line outcome of a build, import or pull.</summary>
    internal static string Describe(ImageInfo image)
    {
        var layers = LayerCount(image) == 1 ? "1 layer" : string.Create(CultureInfo.InvariantCulture, $"{LayerCount(image)} layers");
        var line = $"{image.Id}: {image.Status}, {layers}, {Format.Bytes(image.SizeBytes)}";
        if (image.Digest is { } digest)
        {
            line += $", {digest}";
        }

        return image.Software is { Count: > 0 } software ? $"{line} ({string.Join(", ", software)})" : line;
    }

    // A server that leaves a list out sends no value at all; the wire record's default is not applied then.
    private static int LayerCount(ImageInfo image) => image.Layers is { } layers ? layers.Count : 0;
}
