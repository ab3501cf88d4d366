namespace Hearth.Protocol.Runtime;

/// <summary>Body of <c>POST /terminals</c>.</summary>
public sealed record TerminalCreateRequest
{
    /// <summary>The argv to run on the PTY (default: the workspace's shell).</summary>
    public IReadOnlyList<string>? Cmd { get; init; }
    /// <summary>Alias of <see cref="Cmd"/> that the runtime also accepts.</summary>
    public IReadOnlyList<string>? Command { get; init; }
    /// <summary>Initial width in columns.</summary>
    public int? Cols { get; init; }
    /// <summary>Initial height in rows.</summary>
    public int? Rows { get; init; }
    /// <summary>Scrollback ring size in bytes (default 64 KiB).</summary>
    public int? ScrollbackSize { get; init; }
}

/// <summary>
/// A terminal session: the response of <c>POST /terminals</c> (201) and an entry of
/// <c>GET /terminals</c>.
/// </summary>
public sealed record TerminalSession
{
    /// <summary>Always true on success (also written on list entries, where it means nothing).</summary>
    public bool Success { get; init; } = true;
    /// <summary>The session id, a small number as text (<c>"1"</c>): the id byte of <c>/ws</c> frames.</summary>
    public required string Id { get; init; }
    /// <summary>The argv running on the PTY.</summary>
    public required IReadOnlyList<string> Command { get; init; }
    /// <summary>Width in columns.</summary>
    public int Cols { get; init; }
    /// <summary>Height in rows.</summary>
    public int Rows { get; init; }
    /// <summary>Whether the process is still running.</summary>
    public bool? Alive { get; init; }
    /// <summary>The exit code once the process ended.</summary>
    public int? ExitCode { get; init; }
    /// <summary>When the session was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>Scrollback ring size in bytes.</summary>
    public int? ScrollbackSize { get; init; }
}

/// <summary>Response of <c>GET /terminals</c>.</summary>
public sealed record TerminalListResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The workspace's terminal sessions.</summary>
    public required IReadOnlyList<TerminalSession> Terminals { get; init; }
}

/// <summary>Response of <c>GET /terminals/:id/scrollback?bytes=</c>.</summary>
public sealed record TerminalScrollbackResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The buffered output (base64 on the wire).</summary>
    public required byte[] Scrollback { get; init; }
    /// <summary>The number of bytes in <see cref="Scrollback"/>.</summary>
    public int Size { get; init; }
    /// <summary>Whether the process is still running.</summary>
    public bool Alive { get; init; }
    /// <summary>The exit code; 0 while <see cref="Alive"/>.</summary>
    public int ExitCode { get; init; }
    /// <summary>The ring's size in bytes.</summary>
    public int? ScrollbackSize { get; init; }
    /// <summary>The largest ring size the runtime allows.</summary>
    public int? MaxScrollbackSize { get; init; }
}

/// <summary>Response of <c>DELETE /terminals/:id</c>.</summary>
public sealed record TerminalCloseResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The session that was closed.</summary>
    public required string TerminalId { get; init; }
}
