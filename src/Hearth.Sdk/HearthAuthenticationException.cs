using System.Net;
using Hearth.Protocol.Errors;

namespace Hearth.Sdk;

/// <summary>The server rejected the client id or secret (HTTP 401).</summary>
/// <example>
/// <code>
/// catch (HearthAuthenticationException)
/// {
///     Console.Error.WriteLine("check HEARTH_CLIENT_ID and HEARTH_CLIENT_SECRET");
/// }
/// </code>
/// </example>
public sealed class HearthAuthenticationException : HearthApiException
{
    /// <summary>Creates the exception for a 401 response.</summary>
    /// <param name="message">The server's message.</param>
    /// <param name="code">The envelope's code, normally <see cref="ErrorCodes.Unauthorized"/>.</param>
    /// <example>
    /// <code>
    /// throw new HearthAuthenticationException("Invalid credentials");
    /// </code>
    /// </example>
    public HearthAuthenticationException(string message, string code = ErrorCodes.Unauthorized)
        : base(message, HttpStatusCode.Unauthorized, code)
    {
    }
}
