namespace Hearth.Protocol.Errors;

/// <summary>The machine codes in <see cref="ErrorEnvelope.Error"/>; the SDK maps them to exceptions.</summary>
public static class ErrorCodes
{
    public const string Unauthorized = "authentication_error";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string Validation = "validation_error";
    public const string InvalidJson = "invalid_json";
    public const string InvalidImage = "invalid_image";
    public const string InsufficientCapacity = "insufficient_capacity";
    public const string Conflict = "conflict";
    public const string PayloadTooLarge = "payload_too_large";
    public const string CreateFailed = "create_failed";
    public const string Internal = "internal_error";
    public const string Unavailable = "unavailable";
}
