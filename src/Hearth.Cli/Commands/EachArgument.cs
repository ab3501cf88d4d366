using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk;

namespace Hearth.Cli.Commands;

/// <summary>The shape of <c>rm</c>-like commands: one call per argument, going on past failures.</summary>
internal static class EachArgument
{
    /// <summary>
    /// Calls <paramref name="action"/> for each of <paramref name="items"/>, printing each done
    /// one; an API failure is reported and the rest still run. With <paramref name="asJson"/> it
    /// prints one document instead, and only when every call succeeded. Fails if any failed.
    /// </summary>
    public static async Task<int> RunAsync(CliContext context, IEnumerable<string> items, bool asJson, string verb,
        Func<string, Task> action, CancellationToken cancellationToken)
    {
        var done = new List<string>();
        var failed = false;
        foreach (var item in items)
        {
            try
            {
                await action(item);
                done.Add(item);
                if (!asJson)
                {
                    await context.Out.WriteLineAsync(item);
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
            var response = new SuccessResponse { Message = $"{verb} {string.Join(", ", done)}" };
            await JsonOutput.WriteAsync(context.Out, response, HearthJsonContext.Default.SuccessResponse, cancellationToken);
        }

        return failed ? ExitCodes.Failure : ExitCodes.Success;
    }
}
