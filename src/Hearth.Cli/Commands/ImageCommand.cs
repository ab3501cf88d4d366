using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth image</c>: the group of image commands (list, build, import, pull, remove, prune).</summary>
internal static class ImageCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("image", "Manage images: the catalogue, imported and pulled images");
        command.Aliases.Add("images");
        command.Subcommands.Add(ImageListCommand.Create(context, global));
        command.Subcommands.Add(ImageBuildCommand.Create(context, global));
        command.Subcommands.Add(ImageImportCommand.Create(context, global));
        command.Subcommands.Add(ImagePullCommand.Create(context, global));
        command.Subcommands.Add(ImageRemoveCommand.Create(context, global));
        command.Subcommands.Add(ImagePruneCommand.Create(context, global));
        return command;
    }
}
