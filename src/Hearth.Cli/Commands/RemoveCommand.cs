using System.CommandLine;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth ws rm ID...</c>: deletes each workspace, going on past failures, and fails if any failed.
/// </summary>
internal static class RemoveCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var ids = new Argument<string[]>("id") { Description = "Workspace ids", Arity = ArgumentArity.OneOrMore };
        var json = CliOptions.Json();
        var command = new Command("rm", "Delete workspaces and their disks") { ids, json };
        command.Aliases.Add("delete");

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var asJson = parseResult.GetValue(json);
            var deleted = new List<string>();
            var failed = false;
            foreach (var id in parseResult.GetRequiredValue(ids))
            {
                try
                {
                    await client.Workspaces.DeleteAsync(id, cancellationToken);
                    deleted.Add(id);
                    if (!asJson)
                    {
                        await context.Out.WriteLineAsync(id);
                    }
                }
                catch (HearthApiException ex)
                {
                    ErrorReporter.Report(context.Error, ex);
                    failed = true;
                }
            }

            // --json prints one document: the outcome only when every delete succeeded.
            if (asJson && !failed)
            {
                var response = new SuccessResponse { Message = $"deleted {string.Join(", ", deleted)}" };
                await JsonOutput.WriteAsync(context.Out, response, HearthJsonContext.Default.SuccessResponse, cancellationToken);
            }

            return failed ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }
}
