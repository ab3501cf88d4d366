using System.Net;
using Hearth.Protocol.Errors;

namespace Hearth.Sdk;

/// <summary>
/// A call to the Hearth API failed: the server answered with an error envelope, the answer could not
/// be read, or the server could not be reached. <see cref="IsTransient"/> says whether retrying can help.
/// </summary>
/// <example>
/// <code>
/// try
/// {
///     await client.Workspaces.StartAsync("ws_abc123");
/// }
/// catch (HearthApiException ex) when (ex.IsTransient)
/// {
///     // 5xx, 429, a timeout or a network failure: the same call may succeed later.
/// }
/// </code>
/// </example>
public class HearthApiException : Exception
{
    /// <summary>The <see cref="Code"/> of a failure to reach the server (connection refused, reset, DNS).</summary>
    public const string NetworkErrorCode = "network_error";

    /// <summary>The <see cref="Code"/> of a call that outlived <see cref="HearthClientOptions.Timeout"/>.</summary>
    public const string TimeoutCode = "timeout";

    /// <summary>The <see cref="Code"/> of a success status whose body was not the expected JSON.</summary>
    public const string InvalidResponseCode = "invalid_response";

    /// <summary>Creates an exception; the SDK raises the most specific subclass for the status.</summary>
    /// <param name="message">The server's <c>message</c>, or a description of the failure.</param>
    /// <param name="statusCode">The HTTP status, or null when no response arrived.</param>
    /// <param name="code">A machine code: one of <see cref="ErrorCodes"/> or this type's constants.</param>
    /// <param name="errors">The invalid fields, if any.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    /// <example>
    /// <code>
    /// throw new HearthApiException("Service unavailable", HttpStatusCode.ServiceUnavailable, ErrorCodes.Unavailable);
    /// </code>
    /// </example>
    public HearthApiException(
        string message,
        HttpStatusCode? statusCode,
        string code,
        IReadOnlyList<FieldError>? errors = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(code);
        StatusCode = statusCode;
        Code = code;
        Errors = errors ?? [];
    }

    /// <summary>The HTTP status of the response; null when none arrived (network failure or timeout).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The envelope's <c>error</c> code (see <see cref="ErrorCodes"/>), or one derived from the status.</summary>
    public string Code { get; }

    /// <summary>Each invalid field the server reported; empty when it reported none.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>
    /// True when repeating the same call may succeed: no response arrived, the call timed out,
    /// or the status was 5xx, 408 or 429.
    /// </summary>
    public bool IsTransient => StatusCode is not { } status
        || (int)status >= 500
        || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
}
