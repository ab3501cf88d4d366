namespace Hearth.Protocol.Workspaces;

/// <summary>Response of <c>GET /workspace/:id/stats</c>.</summary>
public sealed record WorkspaceStatsResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>What the workspace uses now.</summary>
    public required WorkspaceStats Stats { get; init; }
}

/// <summary>Response of <c>GET /workspace/:id/info</c>.</summary>
public sealed record WorkspaceMachineInfoResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>Raw facts about the workspace's machine.</summary>
    public required WorkspaceMachineInfo Info { get; init; }
}

/// <summary>Response of <c>GET /workspace/:id/config</c>.</summary>
public sealed record WorkspaceConfigResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The workspace's configuration as stored (the create-time one, kept up to date by later changes).</summary>
    public required WorkspaceConfig Config { get; init; }
}
