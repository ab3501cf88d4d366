using System.CommandLine;
using Hearth.Cli.Output;
using Hearth.Sdk;

namespace Hearth.Cli;

/// <summary>
/// Runs a command that talks to the API: resolves the connection, creates the client and turns every
/// failure into one <c>error:</c> line on stderr and an exit code; stdout is left to the command.
/// </summary>
internal static class ApiAction
{
    public static void Set(
        Command command,
        CliContext context,
        GlobalOptions global,
        Func<ParseResult, HearthClient, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                using var client = new HearthClient(global.Resolve(parseResult, context));
                return await action(parseResult, client, cancellationToken);
            }
            catch (HearthApiException ex)
            {
                ErrorReporter.Report(context.Error, ex);
                return ExitCodes.Failure;
            }
            catch (CliException ex)
            {
                await context.Error.WriteLineAsync($"error: {ex.Message}");
                return ex.ExitCode;
            }
            catch (ArgumentException ex)
            {
                // The SDK's checks of its inputs (an id of "..", an empty secret): the command line was wrong.
                await context.Error.WriteLineAsync($"error: {ex.Message}");
                return ExitCodes.Usage;
            }
        });
    }
}
