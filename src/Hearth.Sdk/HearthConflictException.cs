using System.Net;
using Hearth.Protocol.Errors;

namespace Hearth.Sdk;

/// <summary>
/// The request conflicts with the workspace's state or another resource (HTTP 409), such as pausing a
/// stopped workspace or reusing a name.
/// </summary>
/// <example>
/// <code>
/// catch (HearthConflictException ex)
/// {
///     Console.Error.WriteLine($"not now: {ex.Message}");
/// }
/// </code>
/// </example>
public sealed class HearthConflictException : HearthApiException
{
    /// <summary>Creates the exception for a 409 response.</summary>
    /// <param name="message">The server's message.</param>
    /// <param name="code">The envelope's code, normally <see cref="ErrorCodes.Conflict"/>.</param>
    /// <example>
    /// <code>
    /// throw new HearthConflictException("Workspace is not running");
    /// </code>
    /// </example>
    public HearthConflictException(string message, string code = ErrorCodes.Conflict)
        : base(message, HttpStatusCode.Conflict, code)
    {
    }
}
