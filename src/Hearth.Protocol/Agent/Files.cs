using System.Text.Json.Serialization;

namespace Hearth.Protocol.Agent;

/// <summary><c>fs.stat</c>, <c>fs.delete</c>: one path inside the workspace (absolute, or relative to <c>/</c>).</summary>
public sealed record FsPathArgs
{
    /// <summary>The path as the API client gave it; the agent resolves it inside the workspace.</summary>
    public string? Path { get; init; }
}

/// <summary><c>fs.mkdir</c>: <c>mkdir -p</c>.</summary>
public sealed record FsMkdirArgs
{
    /// <summary>The directory to create, with its missing parents.</summary>
    public string? Path { get; init; }

    /// <summary>Permission bits of the last directory (default 0755); parents get 0755.</summary>
    public int? Mode { get; init; }
}

/// <summary><c>fs.read</c>: a file's bytes (or some of its lines) as data frames, after an <see cref="FsReadInfo"/> event.</summary>
public sealed record FsReadArgs
{
    /// <summary>The file to read; symlinks are followed inside the workspace.</summary>
    public string? Path { get; init; }

    /// <summary>The first line to send (1-based); none for the start of the file.</summary>
    public long? StartLine { get; init; }

    /// <summary>The last line to send (1-based, inclusive); none for the end of the file.</summary>
    public long? EndLine { get; init; }

    /// <summary>Prefix every line sent with its number, as <c>cat -n</c> does.</summary>
    public bool WithLineNumbers { get; init; }

    /// <summary>The most bytes the agent may send (default 64 MiB); more is <c>too_large</c> before anything is sent.</summary>
    public long? Limit { get; init; }
}

/// <summary>The event <c>fs.read</c> sends before its data: what follows, and how to present it.</summary>
public sealed record FsReadInfo
{
    /// <summary>The path as the agent normalised it.</summary>
    public required string Path { get; init; }

    /// <summary>The file's size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>The number of lines in the whole file (a last line without a newline counts).</summary>
    public long Lines { get; init; }

    /// <summary>Exactly how many bytes of data frames follow.</summary>
    public long Length { get; init; }

    /// <summary>The first line sent, when a range was asked for.</summary>
    public long? StartLine { get; init; }

    /// <summary>The last line sent, when a range was asked for.</summary>
    public long? EndLine { get; init; }

    /// <summary>Whether the bytes that follow are valid UTF-8 (else the gateway sends them as base64).</summary>
    public bool Utf8 { get; init; }
}

/// <summary><c>fs.write</c>: the content arrives as the operation's input (stdin frames until stdin-close).</summary>
public sealed record FsWriteArgs
{
    /// <summary>The file to write; a symlink to an existing file is followed inside the workspace.</summary>
    public string? Path { get; init; }

    /// <summary>Append to the file (created if missing) instead of replacing it atomically.</summary>
    public bool Append { get; init; }

    /// <summary>Create missing parent directories; only an explicit false stops it.</summary>
    public bool? CreateDirs { get; init; }

    /// <summary>Permission bits; none keeps an existing file's, or 0644 for a new one.</summary>
    public int? Mode { get; init; }
}

/// <summary>The result of <c>fs.write</c>.</summary>
public sealed record FsWriteResult
{
    /// <summary>The path as the agent normalised it.</summary>
    public required string Path { get; init; }

    /// <summary>The file's size after the write.</summary>
    public long Size { get; init; }
}

/// <summary>
/// <c>fs.list</c>: NDJSON data (<c>{"event":"start","path"}</c>, one line per entry in
/// depth-first pre-order, <c>{"event":"done","count"}</c>), the body of <c>GET /files/stream</c>.
/// </summary>
public sealed record FsListArgs
{
    /// <summary>The directory to list.</summary>
    public string? Path { get; init; }

    /// <summary>Descend into subdirectories (up to <see cref="MaxDepth"/>).</summary>
    public bool Recursive { get; init; }

    /// <summary>Sort each directory (directories first, then by name); otherwise filesystem order.</summary>
    public bool Sorted { get; init; }

    /// <summary>Levels listed: 1 is the directory's own entries (default 20).</summary>
    public int? MaxDepth { get; init; }

    /// <summary>Entries sent at most (default 50,000); the done line says <c>truncated</c> when more were left.</summary>
    public int? Limit { get; init; }

    /// <summary>Leave out size and modification time.</summary>
    public bool Light { get; init; }

    /// <summary>Add the SHA-256 of each regular file.</summary>
    public bool IncludeHash { get; init; }

    /// <summary>Add the text of UTF-8 files while <see cref="ContentBudget"/> lasts.</summary>
    public bool IncludeContent { get; init; }

    /// <summary>Bytes of file content sent at most, over the whole listing.</summary>
    public long ContentBudget { get; init; }

    /// <summary>Add each file's extension.</summary>
    public bool IncludeExtensions { get; init; }

    /// <summary>Only files whose extension is a programming language's.</summary>
    public bool CodeFilesOnly { get; init; }

    /// <summary>Honour <c>.gitignore</c> files and skip <c>.git</c> (default true).</summary>
    public bool? UseGitignore { get; init; }

    /// <summary>Only files whose path contains this, case-insensitively.</summary>
    public string? PathFilter { get; init; }

    /// <summary>Only files with one of these extensions (no dot).</summary>
    public IReadOnlyList<string>? IncludeExt { get; init; }

    /// <summary>Gitignore-style patterns to leave out.</summary>
    public IReadOnlyList<string>? IgnorePatterns { get; init; }

    /// <summary>In a filtered flat listing, leave directories out (they only carry structure).</summary>
    public bool FilesOnlyWhenFiltered { get; init; }
}

/// <summary>A control line of the <c>fs.list</c> NDJSON (and of <c>GET /files/stream</c>).</summary>
public sealed record FsListEvent
{
    /// <summary><c>start</c> or <c>done</c>.</summary>
    public required string Event { get; init; }

    /// <summary><c>start</c>: the directory listed.</summary>
    public string? Path { get; init; }

    /// <summary><c>done</c>: how many entries were sent.</summary>
    public int? Count { get; init; }

    /// <summary><c>done</c>: true when the entry limit cut the listing short.</summary>
    public bool? Truncated { get; init; }
}

/// <summary><c>fs.archive</c>: a tar.gz of the paths as data frames, after an <c>event</c> saying every path resolved.</summary>
public sealed record FsArchiveArgs
{
    /// <summary>Files or directories; each becomes a top-level entry named by its last component.</summary>
    public IReadOnlyList<string>? Paths { get; init; }

    /// <summary>Gitignore-style patterns of entries to leave out.</summary>
    public IReadOnlyList<string>? ExcludePatterns { get; init; }
}

/// <summary>The result of <c>fs.archive</c>.</summary>
public sealed record FsArchiveResult
{
    /// <summary>Entries written (files, directories, symlinks).</summary>
    public int Entries { get; init; }
}

/// <summary><c>fs.extract</c>: a tar.gz arrives as the operation's input and is extracted under <see cref="Dest"/>.</summary>
public sealed record FsExtractArgs
{
    /// <summary>The directory to extract into (created if missing).</summary>
    public string? Dest { get; init; }
}

/// <summary>The result of <c>fs.extract</c>.</summary>
public sealed record FsExtractResult
{
    /// <summary>The destination as the agent normalised it.</summary>
    public required string Dest { get; init; }

    /// <summary>Entries other than directories that were extracted.</summary>
    public int FilesExtracted { get; init; }
}

/// <summary>Source-generated JSON for the file operations of the agent protocol (AOT-safe; snake_case like <see cref="AgentJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FsPathArgs))]
[JsonSerializable(typeof(FsMkdirArgs))]
[JsonSerializable(typeof(FsReadArgs))]
[JsonSerializable(typeof(FsReadInfo))]
[JsonSerializable(typeof(FsWriteArgs))]
[JsonSerializable(typeof(FsWriteResult))]
[JsonSerializable(typeof(FsListArgs))]
[JsonSerializable(typeof(FsListEvent))]
[JsonSerializable(typeof(FsArchiveArgs))]
[JsonSerializable(typeof(FsArchiveResult))]
[JsonSerializable(typeof(FsExtractArgs))]
[JsonSerializable(typeof(FsExtractResult))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FileStatResponse))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.FilePathResponse))]
public sealed partial class AgentFilesJsonContext : JsonSerializerContext
{
}
