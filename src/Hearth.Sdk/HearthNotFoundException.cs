using System.Net;
using Hearth.Protocol.Errors;

namespace Hearth.Sdk;

/// <summary>The workspace (or route) does not exist (HTTP 404).</summary>
/// <example>
/// <code>
/// try
/// {
///     await client.Workspaces.DeleteAsync(id);
/// }
/// catch (HearthNotFoundException)
/// {
///     // Already gone: deleting is done.
/// }
/// </code>
/// </example>
public sealed class HearthNotFoundException : HearthApiException
{
    /// <summary>Creates the exception for a 404 response.</summary>
    /// <param name="message">The server's message.</param>
    /// <param name="code">The envelope's code, normally <see cref="ErrorCodes.NotFound"/>.</param>
    /// <example>
    /// <code>
    /// throw new HearthNotFoundException("Workspace not found");
    /// </code>
    /// </example>
    public HearthNotFoundException(string message, string code = ErrorCodes.NotFound)
        : base(message, HttpStatusCode.NotFound, code)
    {
    }
}
