namespace Hearth.Protocol.Runtime;

/// <summary>Body of <c>POST /files/transfer/download</c>; the response is a streamed tar.gz.</summary>
public sealed record TransferDownloadRequest
{
    /// <summary>Absolute paths inside the workspace to put in the archive.</summary>
    public required IReadOnlyList<string> Paths { get; init; }
    /// <summary>Glob patterns of file names to leave out (e.g. <c>node_modules</c>, <c>.git</c>).</summary>
    public IReadOnlyList<string>? ExcludePatterns { get; init; }
}

/// <summary>Response of <c>POST /files/transfer/upload?dest=</c> (body: a tar.gz).</summary>
public sealed record TransferUploadResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The directory the archive was extracted under.</summary>
    public required string Dest { get; init; }
    /// <summary>How many files were extracted.</summary>
    public int FilesExtracted { get; init; }
}
