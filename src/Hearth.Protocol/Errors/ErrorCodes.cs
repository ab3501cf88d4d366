namespace Hearth.Protocol.Errors;

/// <summary>The machine codes in <see cref="ErrorEnvelope.Error"/>; the SDK maps them to exceptions.</summary>
public static class ErrorCodes
{
    /// <summary>401: missing or wrong <c>X-Client-ID</c> / <c>X-Client-Secret</c>.</summary>
    public const string Unauthorized = "authentication_error";
    /// <summary>403: the credentials may not do this (the SDK's code for a 403 without a body code).</summary>
    public const string Forbidden = "forbidden";
    /// <summary>404: no workspace with that id or slug, or no such route.</summary>
    public const string NotFound = "not_found";
    /// <summary>400: one or more fields are invalid, listed in <c>errors</c> (422 when a disk would shrink).</summary>
    public const string Validation = "validation_error";
    /// <summary>400: the body is missing, malformed or not a JSON object.</summary>
    public const string InvalidJson = "invalid_json";
    /// <summary>400: <c>image</c> is not in the catalogue; <c>available</c> lists the images that are.</summary>
    public const string InvalidImage = "invalid_image";
    /// <summary>422: memory or disk beyond what the host has, or <c>max_workspaces</c> reached.</summary>
    public const string InsufficientCapacity = "insufficient_capacity";
    /// <summary>409: the slug is taken, or the workspace's state forbids the operation.</summary>
    public const string Conflict = "conflict";
    /// <summary>413: the request body is larger than 1 MiB.</summary>
    public const string PayloadTooLarge = "payload_too_large";
    /// <summary>500: creating the workspace failed and was undone entirely; the message says why.</summary>
    public const string CreateFailed = "create_failed";
    /// <summary>500: an unexpected server failure; details are in the server's log.</summary>
    public const string Internal = "internal_error";
    /// <summary>502, 503 or 504: the server or a proxy in front of it is unavailable (set by the SDK).</summary>
    public const string Unavailable = "unavailable";
}
