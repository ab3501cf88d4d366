using System.CommandLine;
using Hearth.Cli.Output;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth image import FILE [--name N]</c>: uploads a <c>docker save</c> or OCI layout archive
/// (<c>-</c> reads stdin), printing each step as the server works through it.
/// </summary>
internal static class ImageImportCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var file = new Argument<string>("file") { Description = "The archive: docker save tar or OCI layout tar, optionally gzipped; - for stdin" };
        var name = new Option<string?>("--name") { Description = "Name of the image (default: the archive's own tag)", HelpName = "NAME" };
        var json = CliOptions.Json();
        var command = new Command("import", "Import an image from an archive") { file, name, json };

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var path = parseResult.GetRequiredValue(file);
            await using var archive = path == "-" ? context.StandardInput : Open(path);
            var progress = new ImageProgress(context, parseResult.GetValue(json));
            var image = await client.Workspaces.Images.ImportAsync(archive, parseResult.GetValue(name), progress, cancellationToken);
            return await progress.FinishAsync(image, cancellationToken);
        });
        return command;
    }

    private static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path}: {ex.Message}");
        }
    }
}
