using System.CommandLine;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk;

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

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var asJson = parseResult.GetValue(json);
            var removed = new List<string>();
            var failed = false;
            foreach (var name in parseResult.GetRequiredValue(names))
            {
                try
                {
                    await client.Workspaces.Images.RemoveAsync(name, cancellationToken);
                    removed.Add(name);
                    if (!asJson)
                    {
                        await context.Out.WriteLineAsync(name);
                    }
                }
                catch (HearthApiException ex)
                {
                    ErrorReporter.Report(context.Error, ex);
                    failed = true;
                }
            }

            if (asJson && !failed)
            {
                var response = new SuccessResponse { Message = $"removed {string.Join(", ", removed)}" };
                await JsonOutput.WriteAsync(context.Out, response, HearthJsonContext.Default.SuccessResponse, cancellationToken);
            }

            return failed ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }
}
