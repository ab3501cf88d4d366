namespace Hearth.Sdk.Runtime;

/// <summary>A text frame of a channel or type this SDK does not know, kept as its JSON text.</summary>
/// <example>
/// <code>
/// if (message is UnknownSocketMessage unknown) logger.LogDebug("runtime said {Json}", unknown.Json);
/// </code>
/// </example>
public sealed record UnknownSocketMessage : RuntimeSocketMessage
{
    /// <summary>The frame's text.</summary>
    public required string Json { get; init; }
}
