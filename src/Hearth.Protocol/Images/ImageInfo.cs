namespace Hearth.Protocol.Images;

/// <summary>A catalogue entry of <c>GET /workspace/images</c>.</summary>
public sealed record ImageInfo
{
    /// <summary>The name given as <c>image</c> at create.</summary>
    public required string Id { get; init; }
    /// <summary>Human-readable name of the image.</summary>
    public required string Label { get; init; }
    /// <summary>Catalogue category id: <c>os</c>, <c>runtime</c> or <c>database</c>.</summary>
    public required string Category { get; init; }
    /// <summary>The image name; the same as <see cref="Id"/>.</summary>
    public required string Image { get; init; }
    /// <summary>Short description of the image; null when it has none.</summary>
    public string? Description { get; init; }
    /// <summary>The same text as <see cref="Description"/>, under Oblien's catalogue name for it.</summary>
    public string? Desc { get; init; }
    /// <summary>Where it comes from: <c>catalog</c>, <c>import</c>, <c>registry</c> or <c>alias</c>.</summary>
    public string Source { get; init; } = "catalog";
    /// <summary>For an operator's alias: the image it stands for; null otherwise.</summary>
    public string? AliasOf { get; init; }
    /// <summary>The ids (sha256) of the image's layers, bottom first; empty until built.</summary>
    public IReadOnlyList<string> Layers { get; init; } = [];
    /// <summary>The OCI manifest digest of an imported or pulled image; null otherwise.</summary>
    public string? Digest { get; init; }
    /// <summary>Software versions inside the built image (e.g. <c>busybox 1.35.0</c>); empty until built.</summary>
    public IReadOnlyList<string> Software { get; init; } = [];
    /// <summary>Least <c>memory_mb</c> the image is meant to run with, in MB.</summary>
    public int MinimumMemoryMb { get; init; }
    /// <summary><c>ready</c>, <c>building</c>, <c>missing</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }
    /// <summary>Size of the built root filesystem in bytes; null until built.</summary>
    public long? SizeBytes { get; init; }
    /// <summary>When the image was built; null until built.</summary>
    public DateTimeOffset? BuiltAt { get; init; }
    /// <summary>Why the last build failed; null unless <c>status</c> is <c>failed</c>.</summary>
    public string? Error { get; init; }
}

/// <summary>One image: <c>GET /workspace/images/{name}</c>.</summary>
public sealed record ImageResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The image.</summary>
    public required ImageInfo Image { get; init; }
}

/// <summary>
/// One line of the <c>application/x-ndjson</c> answer of build, import and pull: a progress
/// step while the work runs (<see cref="Step"/> set), then one final line with
/// <see cref="Success"/> and either <see cref="Image"/> or <see cref="Error"/> and <see cref="Message"/>.
/// </summary>
public sealed record ImageProgressLine
{
    /// <summary>A step of the work, e.g. <c>layer 2/3 1f2e3d4c5b6a: 812 files, 41.0 MiB</c>; null on the final line.</summary>
    public string? Step { get; init; }
    /// <summary>Seconds since the operation started.</summary>
    public double Seconds { get; init; }
    /// <summary>Set on the final line only: whether the operation succeeded.</summary>
    public bool? Success { get; init; }
    /// <summary>The image, on a successful final line.</summary>
    public ImageInfo? Image { get; init; }
    /// <summary>The error code, on a failed final line.</summary>
    public string? Error { get; init; }
    /// <summary>What went wrong, on a failed final line.</summary>
    public string? Message { get; init; }
}

/// <summary>Body of <c>POST /workspace/images/pull</c>.</summary>
public sealed record PullImageRequest
{
    /// <summary><c>host[:port]/path[:tag|@sha256:digest]</c>.</summary>
    public required string Reference { get; init; }
}

/// <summary>Response of <c>POST /workspace/images/prune</c>.</summary>
public sealed record PruneImagesResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>Layers deleted because no image and no workspace uses them.</summary>
    public int RemovedLayers { get; init; }
    /// <summary>Bytes those layers held.</summary>
    public long FreedBytes { get; init; }
}

/// <summary>A category of <c>GET /workspace/images</c>.</summary>
public sealed record ImageCategory
{
    /// <summary>Category id, the value of <see cref="ImageInfo.Category"/>: <c>os</c>, <c>runtime</c> or <c>database</c>.</summary>
    public required string Id { get; init; }
    /// <summary>Human-readable name of the category.</summary>
    public required string Label { get; init; }
}

/// <summary>Response of <c>GET /workspace/images</c> (filtered by the <c>search</c> and <c>category</c> query).</summary>
public sealed record ImagesResponse
{
    /// <summary>Always <c>true</c>.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The catalogue images that match the query, each with its build status on this host.</summary>
    public required IReadOnlyList<ImageInfo> Images { get; init; }
    /// <summary>Every catalogue category.</summary>
    public required IReadOnlyList<ImageCategory> Categories { get; init; }
}
