namespace Hearth.Protocol.Errors;

/// <summary>The Oblien error body: <c>{ success: false, error, message }</c>, with each failing field.</summary>
public sealed record ErrorEnvelope
{
    /// <summary>Always <c>false</c> in an error body.</summary>
    public bool Success { get; init; }
    /// <summary>A stable machine code from <see cref="ErrorCodes"/>.</summary>
    public required string Error { get; init; }
    /// <summary>Human-readable description of the failure.</summary>
    public required string Message { get; init; }
    /// <summary>Every invalid field (<c>validation_error</c>, <c>invalid_image</c>, <c>insufficient_capacity</c>); null otherwise.</summary>
    public IReadOnlyList<FieldError>? Errors { get; init; }
    /// <summary>For <c>invalid_image</c>: the images that exist.</summary>
    public IReadOnlyList<string>? Available { get; init; }
}

/// <summary>One invalid field of a request.</summary>
public sealed record FieldError
{
    /// <summary>Path of the field, e.g. <c>cpus</c>, <c>config.ttl</c> or <c>config.env[0]</c>.</summary>
    public required string Field { get; init; }
    /// <summary>What is wrong with the field's value.</summary>
    public required string Message { get; init; }
}
