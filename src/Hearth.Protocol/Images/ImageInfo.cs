namespace Hearth.Protocol.Images;

/// <summary>A catalogue entry of <c>GET /workspace/images</c>.</summary>
public sealed record ImageInfo
{
    /// <summary>The name given as <c>image</c> at create.</summary>
    public required string Id { get; init; }
    public required string Label { get; init; }
    public required string Category { get; init; }
    public required string Image { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string> Software { get; init; } = [];
    public int MinimumMemoryMb { get; init; }
    /// <summary><c>ready</c>, <c>building</c>, <c>missing</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }
    public long? SizeBytes { get; init; }
    public DateTimeOffset? BuiltAt { get; init; }
    public string? Error { get; init; }
}

public sealed record ImageCategory
{
    public required string Id { get; init; }
    public required string Label { get; init; }
}

public sealed record ImagesResponse
{
    public bool Success { get; init; } = true;
    public required IReadOnlyList<ImageInfo> Images { get; init; }
    public required IReadOnlyList<ImageCategory> Categories { get; init; }
}
