using Hearth.Protocol.Errors;

namespace Hearth.Server.Api;

/// <summary>An expected failure of a request; rendered as the Oblien error envelope with its status.</summary>
internal sealed class ApiException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public IReadOnlyList<FieldError>? Errors { get; init; }
    public IReadOnlyList<string>? Available { get; init; }

    public static ApiException NotFound(string what) => new(404, ErrorCodes.NotFound, $"{what} not found");

    public static ApiException Conflict(string message) => new(409, ErrorCodes.Conflict, message);

    /// <summary>400 with every invalid field listed.</summary>
    public static ApiException Invalid(IReadOnlyList<FieldError> errors) =>
        new(400, ErrorCodes.Validation, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"))) { Errors = errors };
}
