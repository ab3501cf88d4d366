namespace Hearth.Protocol.Workspaces;

/// <summary><c>{ success, workspace }</c>.</summary>
public sealed record WorkspaceResponse
{
    public bool Success { get; init; } = true;
    public required Workspace Workspace { get; init; }
    public string? Message { get; init; }
}

/// <summary>Response of <c>GET /workspace</c>.</summary>
public sealed record WorkspaceListResponse
{
    public bool Success { get; init; } = true;
    public required IReadOnlyList<Workspace> Workspaces { get; init; }
    public int Total { get; init; }
    public int Page { get; init; }
    public int Limit { get; init; }
}

/// <summary>Response of <c>GET /workspace/:id/details</c>.</summary>
public sealed record WorkspaceDetailsResponse
{
    public bool Success { get; init; } = true;
    public required Workspace Workspace { get; init; }
    public required WorkspaceLifecycle Lifecycle { get; init; }
    public required WorkspaceConfig Config { get; init; }
    public required WorkspaceResources Resources { get; init; }
}

/// <summary>Response of the resources endpoints.</summary>
public sealed record ResourcesResponse
{
    public bool Success { get; init; } = true;
    public required WorkspaceResources Resources { get; init; }
    /// <summary>What was applied to the running workspace at once (<c>cpus</c>, <c>memory_mb</c>).</summary>
    public IReadOnlyList<string>? AppliedLive { get; init; }
    public string? Message { get; init; }
}

/// <summary>Response of the lifecycle endpoints.</summary>
public sealed record LifecycleResponse
{
    public bool Success { get; init; } = true;
    public required WorkspaceLifecycle Lifecycle { get; init; }
}

/// <summary>A plain <c>{ success, message }</c>.</summary>
public sealed record SuccessResponse
{
    public bool Success { get; init; } = true;
    public string? Message { get; init; }
}

/// <summary>Response of <c>GET /workspace/quota</c>: what this host can give.</summary>
public sealed record QuotaResponse
{
    public bool Success { get; init; } = true;
    public required string Plan { get; init; }
    public required string PlanLabel { get; init; }
    public int? MaxWorkspaces { get; init; }
    public int CurrentWorkspaces { get; init; }
    public required QuotaLimits Limits { get; init; }
    public required PoolUsage PoolUsage { get; init; }
    public required PoolUsage RunningPoolUsage { get; init; }
    public bool CanCreate { get; init; }
    public string? Reason { get; init; }
}

public sealed record QuotaLimits
{
    public int Cpus { get; init; }
    public int MemoryMb { get; init; }
    public int DiskSizeMb { get; init; }
}

public sealed record PoolUsage
{
    public int Count { get; init; }
    public int Cpus { get; init; }
    public int MemoryMb { get; init; }
    public int DiskSizeMb { get; init; }
}

/// <summary>Response of <c>GET /health</c>.</summary>
public sealed record HealthResponse
{
    public bool Success { get; init; } = true;
    public required string Status { get; init; }
    public required string Version { get; init; }
}
