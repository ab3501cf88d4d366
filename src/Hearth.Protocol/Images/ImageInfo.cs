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
