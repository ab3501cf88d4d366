using Hearth.Sdk;

namespace Hearth.Cli.Output;

/// <summary>Prints a failed call to stderr: <c>error: MESSAGE (CODE)</c>, then one line per invalid field.</summary>
internal static class ErrorReporter
{
    public static void Report(TextWriter error, HearthApiException exception)
    {
        error.WriteLine($"error: {exception.Message} ({exception.Code})");
        foreach (var field in exception.Errors)
        {
            error.WriteLine($"  {field.Field}: {field.Message}");
        }

        if (exception is HearthValidationException { Available.Count: > 0 } validation)
        {
            error.WriteLine($"  available: {string.Join(", ", validation.Available)}");
        }
    }
}
