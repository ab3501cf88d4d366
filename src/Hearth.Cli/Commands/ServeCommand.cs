using System.CommandLine;
using Hearth.Cli.Serve;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth serve [ARGS...]</c>: runs <c>hearthd</c> from beside this binary with the same arguments and
/// returns its exit code. Tokens <c>hearth</c> does not know are passed on in order, unparsed.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command(
            "serve",
            "Run the Hearth daemon (hearthd) in the foreground. Its options are passed through: "
            + "--data-dir, --api-listen, --runtime-listen, --edge-http-listen, --edge-https-listen, --ssh-listen, --config.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var daemon = DaemonLauncher.Locate(context.BaseDirectory);
            if (daemon is null)
            {
                await context.Error.WriteLineAsync(
                    $"error: hearthd not found in {context.BaseDirectory} (it ships beside the hearth binary)");
                return ExitCodes.Failure;
            }

            return await DaemonLauncher.RunAsync(daemon, parseResult.UnmatchedTokens, cancellationToken);
        });
        return command;
    }
}
