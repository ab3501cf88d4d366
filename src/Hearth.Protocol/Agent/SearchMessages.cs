namespace Hearth.Protocol.Agent;

/// <summary>
/// <c>args</c> of the agent's <c>search.content</c> operation. hearthd has validated every
/// field; the agent answers with NDJSON data, one <see cref="SearchHit"/> a line, and a
/// <see cref="SearchSummary"/> result.
/// </summary>
public sealed record ContentSearchArgs
{
    /// <summary>The text or regular expression to look for.</summary>
    public string Query { get; init; } = "";

    /// <summary>The directory to search, resolved inside the workspace (default <c>/</c>).</summary>
    public string? Path { get; init; }

    /// <summary>Match case exactly; otherwise case-insensitive.</summary>
    public bool CaseSensitive { get; init; }

    /// <summary><see cref="Query"/> is a regular expression; otherwise a literal.</summary>
    public bool Regex { get; init; }

    /// <summary>Only matches with no word character right before or after.</summary>
    public bool WholeWord { get; init; }

    /// <summary>At most this many matching lines; the search stops (and says it was capped) beyond.</summary>
    public int MaxResults { get; init; } = 100;

    /// <summary>Seconds before the search gives up with <c>timeout</c>.</summary>
    public int TimeoutSeconds { get; init; } = 10;

    /// <summary>Lines of context before and after each match (0-10).</summary>
    public int ContextLines { get; init; }

    /// <summary>File extensions (<c>ts</c>, <c>py</c>) to search; all files when empty.</summary>
    public IReadOnlyList<string>? FileTypes { get; init; }

    /// <summary>Also search hidden files and directories (names starting with a dot).</summary>
    public bool IncludeHidden { get; init; }

    /// <summary>Do not honour <c>.gitignore</c> and <c>.ignore</c> files.</summary>
    public bool NoGitignore { get; init; }

    /// <summary>Gitignore-style globs to leave out.</summary>
    public IReadOnlyList<string>? IgnorePatterns { get; init; }
}

/// <summary>One line of <c>search.content</c>'s NDJSON data: a matching line, or a context line.</summary>
public sealed record SearchHit
{
    /// <summary>The file, relative to the searched directory.</summary>
    public required string File { get; init; }

    /// <summary>The 1-based line number.</summary>
    public int Line { get; init; }

    /// <summary>The 1-based byte column of the first match on the line; absent on context lines.</summary>
    public int? Column { get; init; }

    /// <summary>The line without its line break, cut at <see cref="SearchLimits.MaxTextLength"/> characters.</summary>
    public required string Text { get; init; }
}

/// <summary>The <c>result</c> of <c>search.content</c> and <c>search.files</c>.</summary>
public sealed record SearchSummary
{
    /// <summary>The searched directory as an absolute path in the workspace.</summary>
    public required string Path { get; init; }

    /// <summary>True when the results stopped at <c>max_results</c>.</summary>
    public bool Capped { get; init; }

    /// <summary><c>ripgrep</c> or <c>builtin</c>: what searched the contents.</summary>
    public string? Engine { get; init; }
}

/// <summary>
/// <c>args</c> of the agent's <c>search.files</c> operation: file names whose path below
/// <see cref="Path"/> contains <see cref="Query"/>. NDJSON data, one JSON string a line.
/// </summary>
public sealed record FileSearchArgs
{
    /// <summary>The text to find in the file's path.</summary>
    public string Query { get; init; } = "";

    /// <summary>The directory to search, resolved inside the workspace (default <c>/</c>).</summary>
    public string? Path { get; init; }

    /// <summary>Match case exactly; otherwise case-insensitive.</summary>
    public bool CaseSensitive { get; init; }

    /// <summary>Also list hidden files and look into hidden directories.</summary>
    public bool IncludeHidden { get; init; }

    /// <summary>At most this many paths.</summary>
    public int MaxResults { get; init; } = 200;

    /// <summary>Gitignore-style globs to leave out.</summary>
    public IReadOnlyList<string>? IgnorePatterns { get; init; }
}

/// <summary>The <c>result</c> of <c>search.status</c>: which engine content searches use.</summary>
public sealed record SearchStatus
{
    /// <summary>Whether ripgrep is in the agent's bundle and used.</summary>
    public bool Installed { get; init; }

    /// <summary>Where ripgrep is, inside the workspace.</summary>
    public string? Path { get; init; }

    /// <summary>ripgrep's version.</summary>
    public string? Version { get; init; }

    /// <summary><c>ripgrep</c> or <c>builtin</c>.</summary>
    public required string Engine { get; init; }

    /// <summary>Why ripgrep is not used, when it is not.</summary>
    public string? Message { get; init; }
}

/// <summary>Limits shared by hearthd (validation) and the agent (enforcement).</summary>
public static class SearchLimits
{
    /// <summary>The longest query.</summary>
    public const int MaxQueryLength = 1000;

    /// <summary>The largest <c>max_results</c> either search accepts.</summary>
    public const int MaxResults = 10_000;

    /// <summary>The longest <c>timeout</c> in seconds.</summary>
    public const int MaxTimeoutSeconds = 60;

    /// <summary>The most context lines.</summary>
    public const int MaxContextLines = 10;

    /// <summary>A line in a result is cut at this many characters.</summary>
    public const int MaxTextLength = 1000;
}
