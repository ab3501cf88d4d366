namespace Hearth.Sdk.Runtime;

/// <summary>How <see cref="SearchClient.ContentAsync"/> searches; null members take the runtime's defaults.</summary>
/// <example>
/// <code>
/// var hits = await rt.Search.ContentAsync("TODO", new ContentSearchOptions { Path = "/app", FileTypes = "cs,ts", MaxResults = 50 });
/// </code>
/// </example>
public sealed record ContentSearchOptions
{
    /// <summary>The directory to search (<c>path</c>, default <c>/</c>).</summary>
    public string? Path { get; init; }

    /// <summary>Match case (<c>case_sensitive</c>).</summary>
    public bool? CaseSensitive { get; init; }

    /// <summary>The query is a regular expression (<c>regex</c>).</summary>
    public bool? Regex { get; init; }

    /// <summary>Match whole words only (<c>whole_word</c>).</summary>
    public bool? WholeWord { get; init; }

    /// <summary>The most matches to return (<c>max_results</c>, default 100).</summary>
    public int? MaxResults { get; init; }

    /// <summary>Give up after this many seconds (<c>timeout</c>, default 10, at most 60).</summary>
    public int? Timeout { get; init; }

    /// <summary>Lines of context around each match, 0 to 10 (<c>context_lines</c>).</summary>
    public int? ContextLines { get; init; }

    /// <summary>Only these extensions, comma-separated (<c>file_types</c>).</summary>
    public string? FileTypes { get; init; }

    /// <summary>Search hidden files too (<c>include_hidden</c>).</summary>
    public bool? IncludeHidden { get; init; }

    /// <summary>Ignore <c>.gitignore</c> (<c>no_gitignore</c>).</summary>
    public bool? NoGitignore { get; init; }

    /// <summary>Globs to skip, comma-separated (<c>ignore_patterns</c>).</summary>
    public string? IgnorePatterns { get; init; }
}
