namespace Hearth.Protocol.Agent;

/// <summary>
/// <c>args</c> of the agent's <c>watch</c> operation: watch a directory tree with inotify until
/// cancelled, reporting <see cref="WatchEvent"/>s.
/// </summary>
public sealed record WatchArgs
{
    /// <summary>The directory to watch, resolved inside the workspace (default <c>/</c>).</summary>
    public string? Path { get; init; }

    /// <summary>
    /// Names (<c>node_modules</c>) or globs (<c>*.swp</c>) to leave out, matched against each
    /// entry's name, or against its path below the root when they contain a <c>/</c>. Used as
    /// given: hearthd merges <see cref="WatchDefaults.Excludes"/> in.
    /// </summary>
    public IReadOnlyList<string>? Excludes { get; init; }

    /// <summary>At most this many directories are watched (default <see cref="WatchDefaults.MaxDirectories"/>).</summary>
    public int? MaxDirectories { get; init; }
}

/// <summary>
/// An <c>event</c> of the <c>watch</c> operation: <c>ready</c> (<see cref="Root"/>,
/// <see cref="Dirs"/>) once the tree is watched, then <c>change</c> (<see cref="Path"/>,
/// <see cref="Op"/>) and <c>overflow</c> (<see cref="Message"/>).
/// </summary>
public sealed record WatchEvent
{
    /// <summary><c>ready</c>, <c>change</c> or <c>overflow</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>ready</c>: the watched directory as an absolute path in the workspace.</summary>
    public string? Root { get; init; }

    /// <summary><c>ready</c>: how many directories are watched.</summary>
    public int? Dirs { get; init; }

    /// <summary><c>change</c>: the absolute path in the workspace that changed.</summary>
    public string? Path { get; init; }

    /// <summary><c>change</c>: <c>create</c>, <c>write</c>, <c>remove</c> or <c>rename</c>.</summary>
    public string? Op { get; init; }

    /// <summary><c>overflow</c>: what was lost, and what to do (list the tree again).</summary>
    public string? Message { get; init; }
}

/// <summary>The defaults of a watch (docs/design/runtime-watchers-search.md).</summary>
public static class WatchDefaults
{
    /// <summary>Left out of every watch, as on Oblien; a request's excludes are added to these.</summary>
    public static IReadOnlyList<string> Excludes { get; } =
    [
        "node_modules", ".git", ".svn", ".hg", "__pycache__", ".pytest_cache", ".mypy_cache", ".next", ".nuxt",
        "dist", "build", ".DS_Store", "*.swp", "*.swo", "*~",
    ];

    /// <summary>One inotify watch per directory; beyond this many the watch reports an <c>overflow</c>.</summary>
    public const int MaxDirectories = 10_000;

    /// <summary>Changes to one path within this window are reported once.</summary>
    public const int DebounceMilliseconds = 50;
}
