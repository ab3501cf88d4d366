namespace Hearth.Sdk.Runtime;

/// <summary>A terminal session's process ended (<c>{"channel":"terminal","type":"exit","id","code"}</c>).</summary>
/// <example>
/// <code>
/// if (message is TerminalExit exit &amp;&amp; exit.TerminalId == term.Id) return exit.ExitCode;
/// </code>
/// </example>
public sealed record TerminalExit : RuntimeSocketMessage
{
    /// <summary>The session id (<c>"1"</c>).</summary>
    public required string TerminalId { get; init; }

    /// <summary>The process's exit code.</summary>
    public required int ExitCode { get; init; }
}
