namespace Hearth.Sdk.Runtime;

/// <summary>How <see cref="SearchClient.FilesAsync"/> searches; null members take the runtime's defaults.</summary>
/// <example>
/// <code>
/// var found = await rt.Search.FilesAsync("controller", new FileSearchOptions { Path = "/app/src" });
/// </code>
/// </example>
public sealed record FileSearchOptions
{
    /// <summary>The directory to search (<c>path</c>, default <c>/</c>).</summary>
    public string? Path { get; init; }

    /// <summary>Match case (<c>case_sensitive</c>).</summary>
    public bool? CaseSensitive { get; init; }

    /// <summary>Search hidden files too (<c>include_hidden</c>).</summary>
    public bool? IncludeHidden { get; init; }

    /// <summary>The most paths to return (<c>max_results</c>, default 200).</summary>
    public int? MaxResults { get; init; }

    /// <summary>Globs to skip, comma-separated (<c>ignore_patterns</c>).</summary>
    public string? IgnorePatterns { get; init; }
}
