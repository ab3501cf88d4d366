namespace Hearth.Protocol.Runtime;

/// <summary>Body of <c>POST /watchers</c>; events arrive on <c>/ws</c> (<see cref="WatcherEventMessage"/>).</summary>
public sealed record WatcherCreateRequest
{
    /// <summary>The directory to watch recursively.</summary>
    public string? Path { get; init; }
    /// <summary>Alias of <see cref="Path"/> that the runtime also accepts.</summary>
    public string? Root { get; init; }
    /// <summary>Names or globs to skip, merged with the defaults (<c>node_modules</c>, <c>.git</c>, ...).</summary>
    public IReadOnlyList<string>? Excludes { get; init; }
    /// <summary>Alias of <see cref="Excludes"/> that the runtime also accepts.</summary>
    public IReadOnlyList<string>? Exclude { get; init; }
}

/// <summary>A file watcher.</summary>
public sealed record WatcherInfo
{
    /// <summary>The watcher id.</summary>
    public required string Id { get; init; }
    /// <summary>The watched directory.</summary>
    public required string Root { get; init; }
    /// <summary>How many directories are watched.</summary>
    public int DirCount { get; init; }
    /// <summary>The effective exclude list.</summary>
    public IReadOnlyList<string>? Excludes { get; init; }
    /// <summary>Whether the watcher is running.</summary>
    public bool? Active { get; init; }
}

/// <summary>Response of <c>POST /watchers</c> and <c>GET /watchers/:id</c>.</summary>
public sealed record WatcherResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The watcher.</summary>
    public required WatcherInfo Watcher { get; init; }
}

/// <summary>Response of <c>GET /watchers</c>.</summary>
public sealed record WatcherListResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The workspace's watchers (at most 5).</summary>
    public required IReadOnlyList<WatcherInfo> Watchers { get; init; }
}

/// <summary>Response of <c>DELETE /watchers/:id</c>.</summary>
public sealed record WatcherDeleteResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The watcher that was deleted.</summary>
    public required string WatcherId { get; init; }
}
