using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth image rm NAME...</c>: forgets each image, going on past failures, and fails if any
/// failed. Workspaces of a removed image keep running; <c>prune</c> frees the layers later.
/// </summary>
internal static class ImageRemoveCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var names = new Argument<string[]>("name") { Description = "Image names or registry references", Arity = ArgumentArity.OneOrMore };
        var json = CliOptions.Json();
        var command = new Command("rm", "Remove images (their layers stay while workspaces use them)") { names, json };
        command.Aliases.Add("remove");

        ApiAction.Set(command, context, global, (parseResult, client, cancellationToken) =>
            EachArgument.RunAsync(context, parseResult.GetRequiredValue(names), parseResult.GetValue(json), "removed",
                name => client.Workspaces.Images.RemoveAsync(name, cancellationToken), cancellationToken));
        return command;
    }
}
