namespace Hearth.Protocol.Runtime;

/// <summary>Response of the <c>/workspace/:id/runtime-api-access</c> endpoints.</summary>
public sealed record RuntimeAccessResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>Whether the runtime API is served for the workspace.</summary>
    public bool Enabled { get; init; }
    /// <summary>The workspace the access belongs to.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>A gateway token (<c>Authorization: Bearer</c>), valid for one hour; set by enable and token calls.</summary>
    public string? Token { get; init; }
    /// <summary>When <see cref="Token"/> expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>The runtime gateway's base URL (the role of <c>workspace.oblien.com</c>).</summary>
    public string? GatewayUrl { get; init; }
}

/// <summary>Response of <c>GET /workspace/:id/runtime-api-access/token/raw</c>.</summary>
public sealed record RawTokenResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The raw token; valid until rotated with <c>POST .../token</c>.</summary>
    public required string Token { get; init; }
    /// <summary>The workspace's private address for direct calls from other workspaces.</summary>
    public string? Ip { get; init; }
    /// <summary>The port of the runtime API on the workspace's address (9990).</summary>
    public int Port { get; init; } = 9990;
}
