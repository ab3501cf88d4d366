namespace Hearth.Protocol.Runtime;

/// <summary>
/// One entry of <c>GET /files</c> (and one line of <c>GET /files/stream</c>). Which optional
/// members are present depends on the listing's flags (<c>light</c>, <c>include_hash</c>, ...).
/// </summary>
public sealed record FileEntry
{
    /// <summary>The file name (last path component).</summary>
    public required string Name { get; init; }
    /// <summary>The absolute path inside the workspace.</summary>
    public required string Path { get; init; }
    /// <summary><c>file</c>, <c>directory</c> or <c>symlink</c>.</summary>
    public required string Type { get; init; }
    /// <summary>Size in bytes; omitted by <c>light</c> listings.</summary>
    public long? Size { get; init; }
    /// <summary>Last modification time; omitted by <c>light</c> listings.</summary>
    public DateTimeOffset? Modified { get; init; }
    /// <summary>The extension without the dot (<c>include_extensions</c>).</summary>
    public string? Extension { get; init; }
    /// <summary>The file's text (<c>include_content</c>, within <c>max_content_budget</c>).</summary>
    public string? Content { get; init; }
    /// <summary>The SHA-256 of the content in hex (<c>include_hash</c>).</summary>
    public string? Hash { get; init; }
    /// <summary>The directory's entries when <c>nested</c> and not <c>flatten</c>.</summary>
    public IReadOnlyList<FileEntry>? Children { get; init; }
}

/// <summary>Response of <c>GET /files</c>.</summary>
public sealed record FileListResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The directory that was listed.</summary>
    public required string Path { get; init; }
    /// <summary>The entries (capped at 50,000).</summary>
    public required IReadOnlyList<FileEntry> Entries { get; init; }
    /// <summary>How many entries were returned.</summary>
    public int Count { get; init; }
    /// <summary>True when the listing stopped at the entry cap; absent otherwise.</summary>
    public bool? Truncated { get; init; }
}

/// <summary>Response of <c>GET /files/read</c>.</summary>
public sealed record FileReadResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The file that was read.</summary>
    public required string Path { get; init; }
    /// <summary>
    /// The text (only the requested lines when a range was given); base64 when
    /// <see cref="Encoding"/> says so.
    /// </summary>
    public required string Content { get; init; }
    /// <summary><c>base64</c> when the bytes are not valid UTF-8; absent for text.</summary>
    public string? Encoding { get; init; }
    /// <summary>The file's size in bytes.</summary>
    public long Size { get; init; }
    /// <summary>The number of lines in the file.</summary>
    public int Lines { get; init; }
    /// <summary>The extension without the dot.</summary>
    public string? Extension { get; init; }
    /// <summary>The first line returned (1-based) when a range was requested.</summary>
    public int? StartLine { get; init; }
    /// <summary>The last line returned (1-based, inclusive) when a range was requested.</summary>
    public int? EndLine { get; init; }
}

/// <summary>Body of <c>POST /files/write</c> (also accepted on <c>PUT</c>).</summary>
public sealed record FileWriteRequest
{
    /// <summary>The absolute path of the file to write.</summary>
    public required string Path { get; init; }
    /// <summary>The text to write (base64 when <see cref="Encoding"/> is <c>base64</c>).</summary>
    public required string Content { get; init; }
    /// <summary><c>base64</c> for binary content; absent or <c>utf-8</c> for text.</summary>
    public string? Encoding { get; init; }
    /// <summary>
    /// Create missing parent directories. Unlike Oblien's documented default, only an explicit
    /// false stops it: the SDK's <c>files.write</c> leaves it out.
    /// </summary>
    public bool? CreateDirs { get; init; }
    /// <summary>Append instead of replacing (default false).</summary>
    public bool? Append { get; init; }
    /// <summary>Octal permission bits as text (default <c>"0644"</c>).</summary>
    public string? Mode { get; init; }
}

/// <summary>Response of <c>POST /files/write</c> (201).</summary>
public sealed record FileWriteResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The file that was written.</summary>
    public required string Path { get; init; }
    /// <summary>The file's size in bytes after the write.</summary>
    public long Size { get; init; }
}

/// <summary>Body of <c>POST /files/mkdir</c> (creates parents, like <c>mkdir -p</c>).</summary>
public sealed record FileMkdirRequest
{
    /// <summary>The absolute path of the directory.</summary>
    public required string Path { get; init; }
    /// <summary>Octal permission bits as text (default <c>"0755"</c>).</summary>
    public string? Mode { get; init; }
}

/// <summary>Response of <c>POST /files/mkdir</c> (201) and <c>/files/delete</c>.</summary>
public sealed record FilePathResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The path that was created or deleted.</summary>
    public required string Path { get; init; }
}

/// <summary>Response of <c>GET /files/stat</c>.</summary>
public sealed record FileStatResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The absolute path.</summary>
    public required string Path { get; init; }
    /// <summary>The file name (last path component).</summary>
    public required string Name { get; init; }
    /// <summary><c>file</c>, <c>directory</c> or <c>symlink</c>.</summary>
    public required string Type { get; init; }
    /// <summary>Size in bytes.</summary>
    public long Size { get; init; }
    /// <summary>Last modification time.</summary>
    public required DateTimeOffset Modified { get; init; }
    /// <summary>The permission bits in octal, e.g. <c>"0644"</c>.</summary>
    public required string Permissions { get; init; }
    /// <summary>Whether the extension is one of a source-code language.</summary>
    public bool IsCode { get; init; }
    /// <summary>The extension without the dot.</summary>
    public string? Extension { get; init; }
    /// <summary>Where the link points, for a symlink.</summary>
    public string? SymlinkTarget { get; init; }
}

/// <summary>Body of <c>POST /files/delete</c> (the path may also be given as <c>?path=</c>).</summary>
public sealed record FileDeleteRequest
{
    /// <summary>The absolute path to delete (directories recursively).</summary>
    public required string Path { get; init; }
}
