namespace Hearth.Cli;

/// <summary>A failure the CLI explains in one line, ending the command with <see cref="ExitCode"/>.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
