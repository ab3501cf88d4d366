namespace Hearth.Sdk.Runtime;

/// <summary>Bytes a terminal session printed (a binary frame <c>[id byte][bytes]</c>).</summary>
/// <example>
/// <code>
/// if (message is TerminalOutput { TerminalId: "1" } output) await stdout.WriteAsync(output.Data);
/// </code>
/// </example>
public sealed record TerminalOutput : RuntimeSocketMessage
{
    /// <summary>The session id, as <see cref="Hearth.Protocol.Runtime.TerminalSession.Id"/> spells it (<c>"1"</c>).</summary>
    public required string TerminalId { get; init; }

    /// <summary>The bytes, as the PTY produced them (not necessarily whole UTF-8 characters).</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }
}
