namespace Hearth.Protocol.Runtime;

/// <summary>One match of a content search.</summary>
public sealed record SearchMatch
{
    /// <summary>The 1-based line number.</summary>
    public int Line { get; init; }
    /// <summary>The 1-based column of the match, when known.</summary>
    public int? Column { get; init; }
    /// <summary>The line's text.</summary>
    public required string Text { get; init; }
}

/// <summary>Response of <c>GET /files/search</c> (content search).</summary>
public sealed record ContentSearchResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The query as given (<c>q</c>).</summary>
    public required string Query { get; init; }
    /// <summary>The directory that was searched.</summary>
    public required string Path { get; init; }
    /// <summary>Matches by file path relative to <see cref="Path"/>.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<SearchMatch>> Results { get; init; }
    /// <summary>The number of matches returned.</summary>
    public int TotalMatches { get; init; }
    /// <summary>The number of files with matches.</summary>
    public int TotalFiles { get; init; }
    /// <summary>True when <c>max_results</c> cut the search short.</summary>
    public bool Capped { get; init; }
    /// <summary>Hearth's addition: <c>ripgrep</c> or <c>builtin</c>, the engine that searched.</summary>
    public string? Engine { get; init; }
}

/// <summary>Response of <c>GET /files/search/files</c> (file-name search).</summary>
public sealed record FileSearchResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The query as given (<c>q</c>).</summary>
    public required string Query { get; init; }
    /// <summary>The directory that was searched.</summary>
    public required string Path { get; init; }
    /// <summary>Matching paths relative to <see cref="Path"/>.</summary>
    public required IReadOnlyList<string> Files { get; init; }
    /// <summary>The number of paths returned.</summary>
    public int TotalFiles { get; init; }
}

/// <summary>Response of <c>GET /files/search/init</c>: whether ripgrep is available.</summary>
public sealed record SearchStatusResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>Whether ripgrep is installed in the workspace.</summary>
    public bool Installed { get; init; }
    /// <summary>Where ripgrep is installed.</summary>
    public string? Path { get; init; }
    /// <summary>The installed ripgrep version.</summary>
    public string? Version { get; init; }
    /// <summary>A human-readable note, e.g. how to install it.</summary>
    public string? Message { get; init; }
}
