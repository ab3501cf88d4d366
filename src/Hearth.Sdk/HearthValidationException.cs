using System.Net;
using Hearth.Protocol.Errors;

namespace Hearth.Sdk;

/// <summary>
/// The request was refused as invalid (HTTP 400 or 422): bad fields (<see cref="HearthApiException.Errors"/>),
/// malformed JSON, an unknown image (<see cref="Available"/> lists the known ones) or too little capacity.
/// </summary>
/// <example>
/// <code>
/// catch (HearthValidationException ex) when (ex.Code == ErrorCodes.InvalidImage)
/// {
///     Console.Error.WriteLine($"pick one of: {string.Join(", ", ex.Available)}");
/// }
/// </code>
/// </example>
public sealed class HearthValidationException : HearthApiException
{
    /// <summary>Creates the exception for a 400 or 422 response.</summary>
    /// <param name="message">The server's message.</param>
    /// <param name="statusCode">400 or 422.</param>
    /// <param name="code">The envelope's code, such as <see cref="ErrorCodes.Validation"/> or <see cref="ErrorCodes.InvalidImage"/>.</param>
    /// <param name="errors">The invalid fields.</param>
    /// <param name="available">For <see cref="ErrorCodes.InvalidImage"/>: the images that exist.</param>
    /// <example>
    /// <code>
    /// throw new HearthValidationException("Unknown image", HttpStatusCode.BadRequest, ErrorCodes.InvalidImage,
    ///     available: ["node-20", "python-3.12"]);
    /// </code>
    /// </example>
    public HearthValidationException(
        string message,
        HttpStatusCode statusCode,
        string code = ErrorCodes.Validation,
        IReadOnlyList<FieldError>? errors = null,
        IReadOnlyList<string>? available = null)
        : base(message, statusCode, code, errors)
    {
        Available = available ?? [];
    }

    /// <summary>For <see cref="ErrorCodes.InvalidImage"/>: the image names that exist; otherwise empty.</summary>
    public IReadOnlyList<string> Available { get; }
}
