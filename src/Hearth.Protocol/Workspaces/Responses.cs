namespace Hearth.Protocol.Workspaces;

/// <summary><c>{ success, workspace }</c>.</summary>
public sealed record WorkspaceResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The workspace as it is after the request.</summary>
    public required Workspace Workspace { get; init; }
    /// <summary>What was done, e.g. <c>workspace created</c>; null on a plain <c>GET</c>.</summary>
    public string? Message { get; init; }
}

/// <summary>Response of <c>GET /workspace</c>.</summary>
public sealed record WorkspaceListResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>This page of matching workspaces, newest first.</summary>
    public required IReadOnlyList<Workspace> Workspaces { get; init; }
    /// <summary>Number of workspaces matching the filters, across all pages.</summary>
    public int Total { get; init; }
    /// <summary>The 1-based page returned.</summary>
    public int Page { get; init; }
    /// <summary>The page size used (default 20, at most 500).</summary>
    public int Limit { get; init; }
}

/// <summary>Response of <c>GET /workspace/:id/details</c>.</summary>
public sealed record WorkspaceDetailsResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The workspace, as <c>GET /workspace/:id</c> returns it.</summary>
    public required Workspace Workspace { get; init; }
    /// <summary>The workspace's mode and time-to-live settings.</summary>
    public required WorkspaceLifecycle Lifecycle { get; init; }
    /// <summary>The workspace's normalised configuration.</summary>
    public required WorkspaceConfig Config { get; init; }
    /// <summary>CPU, memory and disk given to the workspace.</summary>
    public required WorkspaceResources Resources { get; init; }
}

/// <summary>Response of the resources endpoints.</summary>
public sealed record ResourcesResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The workspace's resources after the request.</summary>
    public required WorkspaceResources Resources { get; init; }
    /// <summary>What was applied to the running workspace at once (<c>cpus</c>, <c>memory_mb</c>).</summary>
    public IReadOnlyList<string>? AppliedLive { get; init; }
    /// <summary>What was done, including any disk growth pending until the next start; null on <c>GET</c>.</summary>
    public string? Message { get; init; }
}

/// <summary>Response of the lifecycle endpoints.</summary>
public sealed record LifecycleResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The workspace's lifecycle after the request.</summary>
    public required WorkspaceLifecycle Lifecycle { get; init; }
}

/// <summary>A plain <c>{ success, message }</c>.</summary>
public sealed record SuccessResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>What was done, e.g. <c>workspace ws_... deleted</c>.</summary>
    public string? Message { get; init; }
}

/// <summary>Response of <c>GET /workspace/quota</c>: what this host can give.</summary>
public sealed record QuotaResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>Always <c>self-hosted</c>.</summary>
    public required string Plan { get; init; }
    /// <summary>Human-readable name of the plan.</summary>
    public required string PlanLabel { get; init; }
    /// <summary>Most workspaces this host holds: its <c>max_workspaces</c> setting (default 1000).</summary>
    public int? MaxWorkspaces { get; init; }
    /// <summary>Number of workspaces on this host, in any status.</summary>
    public int CurrentWorkspaces { get; init; }
    /// <summary>The largest resources one workspace may have on this host.</summary>
    public required QuotaLimits Limits { get; init; }
    /// <summary>Resources given to all workspaces, in any status.</summary>
    public required PoolUsage PoolUsage { get; init; }
    /// <summary>Resources given to <c>running</c> and <c>paused</c> workspaces.</summary>
    public required PoolUsage RunningPoolUsage { get; init; }
    /// <summary>False once <c>max_workspaces</c> is reached.</summary>
    public bool CanCreate { get; init; }
    /// <summary>Why <c>can_create</c> is false; null when it is true.</summary>
    public string? Reason { get; init; }
}

/// <summary>The largest resources one workspace may have on this host.</summary>
public sealed record QuotaLimits
{
    /// <summary>Most CPU cores per workspace (32).</summary>
    public int Cpus { get; init; }
    /// <summary>Most memory per workspace in MB: 65536 or the host's total memory, whichever is less.</summary>
    public int MemoryMb { get; init; }
    /// <summary>Most disk per workspace in MB: 204800 or the disk pool's free space, whichever is less.</summary>
    public int DiskSizeMb { get; init; }
}

/// <summary>Totals over a set of workspaces.</summary>
public sealed record PoolUsage
{
    /// <summary>Number of workspaces in the set.</summary>
    public int Count { get; init; }
    /// <summary>Sum of their <c>cpus</c>.</summary>
    public int Cpus { get; init; }
    /// <summary>Sum of their <c>memory_mb</c>, in MB.</summary>
    public int MemoryMb { get; init; }
    /// <summary>Sum of their <c>disk_size_mb</c>, in MB.</summary>
    public int DiskSizeMb { get; init; }
}

/// <summary>Response of <c>GET /health</c>.</summary>
public sealed record HealthResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary><c>ok</c> when the server is up.</summary>
    public required string Status { get; init; }
    /// <summary>The server's version.</summary>
    public required string Version { get; init; }
}
