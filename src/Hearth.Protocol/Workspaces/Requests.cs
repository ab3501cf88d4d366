namespace Hearth.Protocol.Workspaces;

/// <summary>Body of <c>POST /workspace</c>. The server also accepts the documented aliases.</summary>
public sealed record CreateWorkspaceRequest
{
    /// <summary>Catalogue image to run, e.g. <c>debian-12</c> (see <c>GET /workspace/images</c>); required.</summary>
    public required string Image { get; init; }
    /// <summary>Display name; null gives <c>workspace-</c> plus the id's suffix.</summary>
    public string? Name { get; init; }
    /// <summary>Unique alias of 3-128 lowercase letters, digits and hyphens; null derives one from the name.</summary>
    public string? Slug { get; init; }
    /// <summary>Grouping label of up to 63 letters, digits and hyphens; null gives <c>default</c>.</summary>
    public string? Namespace { get; init; }
    /// <summary><c>permanent</c> or <c>temporary</c>; null gives <c>temporary</c> when a <c>ttl</c> is set, else <c>permanent</c>.</summary>
    public string? Mode { get; init; }
    /// <summary>Resources, TTL, restart policy, <c>env</c> and <c>cmd</c>; null takes the server's defaults.</summary>
    public WorkspaceConfig? Config { get; init; }
    /// <summary>Makes the create retry-safe: a repeat with the same key returns the first workspace.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>Body of <c>PUT /workspace/:id</c>.</summary>
public sealed record UpdateWorkspaceRequest
{
    /// <summary>New display name; null keeps the current one.</summary>
    public string? Name { get; init; }
    /// <summary>New unique slug of 3-128 lowercase letters, digits and hyphens; null keeps the current one.</summary>
    public string? Slug { get; init; }
    /// <summary>String pairs merged into the workspace's metadata; null changes nothing.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>Body of <c>PUT|PATCH /workspace/:id/resources</c>.</summary>
public sealed record UpdateResourcesRequest
{
    /// <summary>New CPU ceiling in cores, 1-32, applied live; null keeps the current value.</summary>
    public int? Cpus { get; init; }
    /// <summary>New memory limit in MB, 128-65536, applied live; null keeps the current value.</summary>
    public int? MemoryMb { get; init; }
    /// <summary>New disk size in MB, 64-204800; it can only grow, at the next start; null keeps the current size.</summary>
    public int? DiskSizeMb { get; init; }
}

/// <summary>Query of <c>GET /workspace</c>.</summary>
public sealed record ListWorkspacesQuery
{
    /// <summary>1-based page number; null for the first page.</summary>
    public int? Page { get; init; }
    /// <summary>Page size, 1-500; null for 20.</summary>
    public int? Limit { get; init; }
    /// <summary>Only workspaces with this <see cref="WorkspaceStatus"/> value; null for any.</summary>
    public string? Status { get; init; }
    /// <summary>Only <c>permanent</c> or only <c>temporary</c> workspaces; null for both.</summary>
    public string? Mode { get; init; }
}
