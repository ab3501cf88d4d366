using System.Text.Json;

namespace Hearth.Agent.Server.Operations;

/// <summary>Turns what an operation threw into the protocol's <c>error</c> code and message.</summary>
internal static class OperationErrors
{
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;

    public static (string Code, string Message) Describe(Exception e, bool cancelled) => e switch
    {
        OperationException known => (known.Code, known.Message),
        _ when cancelled => ("cancelled", "the operation was cancelled"),
        JsonException => ("bad_request", e.Message),
        FileNotFoundException or DirectoryNotFoundException => ("not_found", e.Message),
        UnauthorizedAccessException => ("forbidden", e.Message),
        PathTooLongException => ("bad_request", e.Message),
        IOException io when (io.HResult & 0xFFFF) is ENOSPC or EDQUOT => ("no_space", e.Message),
        IOException => ("io_error", e.Message),
        _ => ("internal", $"{e.GetType().Name}: {e.Message}"),
    };
}
