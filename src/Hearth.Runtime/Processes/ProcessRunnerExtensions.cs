namespace Hearth.Runtime.Processes;

internal static class ProcessRunnerExtensions
{
    /// <summary>Runs a program and throws <see cref="RuntimeException"/> with its stderr when it fails.</summary>
    public static async Task<ProcessResult> RunCheckedAsync(
        this IProcessRunner runner, ProcessRequest request, CancellationToken cancellationToken = default)
    {
        var result = await runner.RunAsync(request, cancellationToken);
        if (!result.Succeeded)
        {
            var detail = (result.StandardError.Trim() is { Length: > 0 } err ? err : result.StandardOutput.Trim());
            throw new RuntimeException("host_command_failed",
                $"{Path.GetFileName(request.File)} {request.Arguments.FirstOrDefault()} failed ({result.ExitCode}): {Tail(detail)}");
        }
        return result;
    }

    private static string Tail(string text) => text.Length <= 600 ? text : "..." + text[^600..];
}
