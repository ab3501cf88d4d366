namespace Hearth.Sdk.Runtime;

/// <summary>
/// How <see cref="FilesClient.ListAsync"/> and <see cref="FilesClient.StreamAsync"/> walk a directory;
/// null members take the runtime's defaults (and are not sent).
/// </summary>
/// <example>
/// <code>
/// var listing = await rt.Files.ListAsync("/app", new FileListOptions { Nested = true, Flatten = true, CodeFilesOnly = true });
/// </code>
/// </example>
public sealed record FileListOptions
{
    /// <summary>Walk subdirectories (<c>nested</c>, default false).</summary>
    public bool? Nested { get; init; }

    /// <summary>With <see cref="Nested"/>: one flat list instead of <c>children</c> (<c>flatten</c>).</summary>
    public bool? Flatten { get; init; }

    /// <summary>Leave out size and modification time (<c>light</c>).</summary>
    public bool? Light { get; init; }

    /// <summary>Add each file's SHA-256 (<c>include_hash</c>).</summary>
    public bool? IncludeHash { get; init; }

    /// <summary>Add each file's text (<c>include_content</c>), within <see cref="MaxContentBudget"/>.</summary>
    public bool? IncludeContent { get; init; }

    /// <summary>Add each file's extension (<c>include_extensions</c>).</summary>
    public bool? IncludeExtensions { get; init; }

    /// <summary>Only source-code files (<c>code_files_only</c>).</summary>
    public bool? CodeFilesOnly { get; init; }

    /// <summary>Honour <c>.gitignore</c> (<c>use_gitignore</c>, default true).</summary>
    public bool? UseGitignore { get; init; }

    /// <summary>How deep to walk (<c>max_depth</c>, default 20).</summary>
    public int? MaxDepth { get; init; }

    /// <summary>Only paths containing this text, case-insensitively (<c>path_filter</c>).</summary>
    public string? PathFilter { get; init; }

    /// <summary>Only these extensions, comma-separated (<c>include_ext</c>).</summary>
    public string? IncludeExt { get; init; }

    /// <summary>Globs to skip, comma-separated (<c>ignore_patterns</c>).</summary>
    public string? IgnorePatterns { get; init; }

    /// <summary>The most content bytes to return in all (<c>max_content_budget</c>).</summary>
    public long? MaxContentBudget { get; init; }

    internal (string, object?)[] Query(string? path) =>
    [
        ("path", path),
        ("nested", Nested),
        ("flatten", Flatten),
        ("light", Light),
        ("include_hash", IncludeHash),
        ("include_content", IncludeContent),
        ("include_extensions", IncludeExtensions),
        ("code_files_only", CodeFilesOnly),
        ("use_gitignore", UseGitignore),
        ("max_depth", MaxDepth),
        ("path_filter", PathFilter),
        ("include_ext", IncludeExt),
        ("ignore_patterns", IgnorePatterns),
        ("max_content_budget", MaxContentBudget),
    ];
}
