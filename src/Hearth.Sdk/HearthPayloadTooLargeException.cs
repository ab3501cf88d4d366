using System.Net;
using Hearth.Protocol.Errors;

namespace Hearth.Sdk;

/// <summary>The request body exceeded the server's limit (HTTP 413).</summary>
/// <example>
/// <code>
/// catch (HearthPayloadTooLargeException)
/// {
///     // Send fewer environment variables or a shorter command.
/// }
/// </code>
/// </example>
public sealed class HearthPayloadTooLargeException : HearthApiException
{
    /// <summary>Creates the exception for a 413 response.</summary>
    /// <param name="message">The server's message.</param>
    /// <param name="code">The envelope's code, normally <see cref="ErrorCodes.PayloadTooLarge"/>.</param>
    /// <example>
    /// <code>
    /// throw new HearthPayloadTooLargeException("Body exceeds 1 MiB");
    /// </code>
    /// </example>
    public HearthPayloadTooLargeException(string message, string code = ErrorCodes.PayloadTooLarge)
        : base(message, HttpStatusCode.RequestEntityTooLarge, code)
    {
    }
}
