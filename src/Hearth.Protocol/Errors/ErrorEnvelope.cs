namespace Hearth.Protocol.Errors;

/// <summary>The Oblien error body: <c>{ success: false, error, message }</c>, with each failing field.</summary>
public sealed record ErrorEnvelope
{
    public bool Success { get; init; }
    /// <summary>A stable machine code from <see cref="ErrorCodes"/>.</summary>
    public required string Error { get; init; }
    public required string Message { get; init; }
    public IReadOnlyList<FieldError>? Errors { get; init; }
    /// <summary>For <c>invalid_image</c>: the images that exist.</summary>
    public IReadOnlyList<string>? Available { get; init; }
}

/// <summary>One invalid field of a request.</summary>
public sealed record FieldError
{
    public required string Field { get; init; }
    public required string Message { get; init; }
}
