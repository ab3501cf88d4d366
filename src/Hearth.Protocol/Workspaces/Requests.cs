namespace Hearth.Protocol.Workspaces;

/// <summary>Body of <c>POST /workspace</c>. The server also accepts the documented aliases.</summary>
public sealed record CreateWorkspaceRequest
{
    public required string Image { get; init; }
    public string? Name { get; init; }
    public string? Slug { get; init; }
    public string? Namespace { get; init; }
    public string? Mode { get; init; }
    public WorkspaceConfig? Config { get; init; }
    /// <summary>Makes the create retry-safe: a repeat with the same key returns the first workspace.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>Body of <c>PUT /workspace/:id</c>.</summary>
public sealed record UpdateWorkspaceRequest
{
    public string? Name { get; init; }
    public string? Slug { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>Body of <c>PUT|PATCH /workspace/:id/resources</c>.</summary>
public sealed record UpdateResourcesRequest
{
    public int? Cpus { get; init; }
    public int? MemoryMb { get; init; }
    public int? DiskSizeMb { get; init; }
}

/// <summary>Query of <c>GET /workspace</c>.</summary>
public sealed record ListWorkspacesQuery
{
    public int? Page { get; init; }
    public int? Limit { get; init; }
    public string? Status { get; init; }
    public string? Mode { get; init; }
}
