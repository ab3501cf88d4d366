using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Hearth.Protocol.Json;
using Hearth.Protocol.Runtime;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk.Runtime;

/// <summary>
/// Files inside the workspace (<c>/files</c> and <c>/files/transfer</c> on the runtime gateway);
/// reached through <see cref="RuntimeClient.Files"/>.
/// </summary>
/// <example>
/// <code>
/// await rt.Files.WriteAsync("/app/hello.txt", "hi\n", createDirs: true);
/// var file = await rt.Files.ReadAsync("/app/hello.txt");
/// Console.WriteLine(file.Content);
/// </code>
/// </example>
public sealed class FilesClient
{
    private readonly RuntimeConnection _connection;

    internal FilesClient(RuntimeConnection connection) => _connection = connection;

    /// <summary>Lists a directory: <c>GET /files</c> (at most 50,000 entries).</summary>
    /// <param name="path">The directory; null for the runtime's default (<c>/</c>).</param>
    /// <param name="options">How to walk it; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="HearthNotFoundException">No such directory.</exception>
    /// <example>
    /// <code>
    /// var listing = await rt.Files.ListAsync("/app");
    /// foreach (var e in listing.Entries) Console.WriteLine($"{e.Type} {e.Path}");
    /// </code>
    /// </example>
    public Task<FileListResponse> ListAsync(string? path = null, FileListOptions? options = null, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, RuntimePaths.Query("files", (options ?? new()).Query(path)), body: null,
            HearthJsonContext.Default.FileListResponse, cancellationToken);

    /// <summary>
    /// Lists a directory tree as the runtime walks it: <c>GET /files/stream</c> (NDJSON, unsorted).
    /// The start and done lines (<c>{"event":...}</c>) are skipped.
    /// </summary>
    /// <param name="path">The directory; null for <c>/</c>.</param>
    /// <param name="options">How to walk it (the runtime forces nested and flatten).</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>Each entry as it arrives.</returns>
    /// <example>
    /// <code>
    /// await foreach (var entry in rt.Files.StreamAsync("/app")) Console.WriteLine(entry.Path);
    /// </code>
    /// </example>
    public async IAsyncEnumerable<FileEntry> StreamAsync(
        string? path = null,
        FileListOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var url = RuntimePaths.Query("files/stream", (options ?? new()).Query(path));
        using var response = await _connection.OpenAsync(HttpMethod.Get, url, body: null, cancellationToken).ConfigureAwait(false);
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var entries = ReadEntriesAsync(stream, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (entries.ConfigureAwait(false))
        {
            while (await RuntimeConnection.MoveNextAsync(entries).ConfigureAwait(false))
            {
                yield return entries.Current;
            }
        }
    }

    /// <summary>Reads a text file, or some of its lines: <c>GET /files/read</c>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">A line range; null for the whole file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The text with the file's size and line count.</returns>
    /// <exception cref="HearthNotFoundException">No such file.</exception>
    /// <exception cref="HearthPayloadTooLargeException">The file is too large to read this way; download it.</exception>
    /// <example>
    /// <code>
    /// var file = await rt.Files.ReadAsync("/etc/os-release");
    /// </code>
    /// </example>
    public Task<FileReadResponse> ReadAsync(string path, FileReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var url = RuntimePaths.Query("files/read",
            ("path", path), ("start_line", options?.StartLine), ("end_line", options?.EndLine), ("with_line_numbers", options?.WithLineNumbers));
        return _connection.SendAsync(HttpMethod.Get, url, body: null, HearthJsonContext.Default.FileReadResponse, cancellationToken);
    }

    /// <summary>Writes a text file atomically: <c>POST /files/write</c>.</summary>
    /// <param name="request">Path, content and options.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The path and its new size.</returns>
    /// <example>
    /// <code>
    /// await rt.Files.WriteAsync(new FileWriteRequest { Path = "/app/run.sh", Content = "#!/bin/sh\n", Mode = "0755" });
    /// </code>
    /// </example>
    public Task<FileWriteResponse> WriteAsync(FileWriteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _connection.SendAsync(HttpMethod.Post, "files/write", RequestBody.Json(request, HearthJsonContext.Default.FileWriteRequest),
            HearthJsonContext.Default.FileWriteResponse, cancellationToken);
    }

    /// <summary>Writes a text file atomically: <c>POST /files/write</c>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="content">Its new text.</param>
    /// <param name="createDirs">Create missing parent directories.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The path and its new size.</returns>
    /// <example>
    /// <code>
    /// await rt.Files.WriteAsync("/app/.env", "PORT=8080\n");
    /// </code>
    /// </example>
    public Task<FileWriteResponse> WriteAsync(string path, string content, bool createDirs = false, CancellationToken cancellationToken = default) =>
        WriteAsync(new FileWriteRequest { Path = path, Content = content, CreateDirs = createDirs ? true : null }, cancellationToken);

    /// <summary>Creates a directory and its parents: <c>POST /files/mkdir</c>.</summary>
    /// <param name="path">The directory.</param>
    /// <param name="mode">Octal permission bits as text (<c>"0755"</c> when null).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The path.</returns>
    /// <example>
    /// <code>
    /// await rt.Files.MkdirAsync("/app/logs");
    /// </code>
    /// </example>
    public Task<FilePathResponse> MkdirAsync(string path, string? mode = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return _connection.SendAsync(HttpMethod.Post, "files/mkdir",
            RequestBody.Json(new FileMkdirRequest { Path = path, Mode = mode }, HearthJsonContext.Default.FileMkdirRequest),
            HearthJsonContext.Default.FilePathResponse, cancellationToken);
    }

    /// <summary>Reads a path's metadata: <c>GET /files/stat</c>.</summary>
    /// <param name="path">The path.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Type, size, time, permissions.</returns>
    /// <exception cref="HearthNotFoundException">No such path.</exception>
    /// <example>
    /// <code>
    /// var stat = await rt.Files.StatAsync("/app/run.sh");
    /// Console.WriteLine(stat.Permissions);
    /// </code>
    /// </example>
    public Task<FileStatResponse> StatAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return _connection.SendAsync(HttpMethod.Get, RuntimePaths.Query("files/stat", ("path", path)), body: null,
            HearthJsonContext.Default.FileStatResponse, cancellationToken);
    }

    /// <summary>Deletes a file, or a directory with everything in it: <c>POST /files/delete</c>.</summary>
    /// <param name="path">The path; system directories (<c>/</c>, <c>/usr</c>, ...) are refused with 403.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The path.</returns>
    /// <example>
    /// <code>
    /// await rt.Files.DeleteAsync("/app/tmp");
    /// </code>
    /// </example>
    public Task<FilePathResponse> DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return _connection.SendAsync(HttpMethod.Post, "files/delete",
            RequestBody.Json(new FileDeleteRequest { Path = path }, HearthJsonContext.Default.FileDeleteRequest),
            HearthJsonContext.Default.FilePathResponse, cancellationToken);
    }

    /// <summary>
    /// Downloads paths as one tar.gz, streamed as the runtime writes it: <c>POST /files/transfer/download</c>.
    /// Each requested path becomes an entry named by its last component (<c>/app/src</c> is
    /// <c>src/...</c>), so an upload with <c>dest</c> set to the parent restores it.
    /// </summary>
    /// <param name="paths">Absolute paths to include.</param>
    /// <param name="excludePatterns">Name globs to leave out (<c>node_modules</c>, <c>.git</c>); null for none.</param>
    /// <param name="cancellationToken">Cancels the call; reads of the stream take their own token.</param>
    /// <returns>The tar.gz bytes; dispose it to release the connection.</returns>
    /// <example>
    /// <code>
    /// await using var tarGz = await rt.Files.DownloadAsync(["/app/src"], ["node_modules"]);
    /// await using var file = File.Create("src.tar.gz");
    /// await tarGz.CopyToAsync(file);
    /// </code>
    /// </example>
    public async Task<Stream> DownloadAsync(IReadOnlyList<string> paths, IReadOnlyList<string>? excludePatterns = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var request = new TransferDownloadRequest { Paths = paths, ExcludePatterns = excludePatterns };
        var response = await _connection.OpenAsync(HttpMethod.Post, "files/transfer/download",
            RequestBody.Json(request, HearthJsonContext.Default.TransferDownloadRequest), cancellationToken).ConfigureAwait(false);
        return await ResponseStream.OpenAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads a tar.gz and extracts it under <paramref name="dest"/>: <c>POST /files/transfer/upload?dest=</c>.
    /// The stream is sent as it is read, never buffered whole; it is left open.
    /// </summary>
    /// <param name="tarGz">The archive. A seekable stream is rewound if the call must be repeated with a renewed token.</param>
    /// <param name="dest">The directory to extract into.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Where it went and how many files were extracted.</returns>
    /// <example>
    /// <code>
    /// await using var archive = File.OpenRead("site.tar.gz");
    /// var result = await rt.Files.UploadAsync(archive, "/srv/www");
    /// Console.WriteLine(result.FilesExtracted);
    /// </code>
    /// </example>
    public Task<TransferUploadResponse> UploadAsync(Stream tarGz, string dest = "/", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tarGz);
        ArgumentException.ThrowIfNullOrEmpty(dest);

        // An upload takes as long as the bytes take: only the caller's token bounds it.
        return _connection.SendAsync(HttpMethod.Post, RuntimePaths.Query("files/transfer/upload", ("dest", dest)),
            RequestBody.Stream(tarGz, "application/gzip"), HearthJsonContext.Default.TransferUploadResponse, cancellationToken,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>Reads NDJSON entry lines, skipping blank lines and the <c>{"event":...}</c> control lines.</summary>
    internal static async IAsyncEnumerable<FileEntry> ReadEntriesAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            FileEntry? entry;
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object || document.RootElement.TryGetProperty("event", out _))
                {
                    continue;
                }

                entry = document.RootElement.Deserialize(HearthJsonContext.Default.FileEntry);
            }
            catch (JsonException ex)
            {
                throw new HearthApiException("The runtime sent a file stream line that is not a file entry.", System.Net.HttpStatusCode.OK,
                    HearthApiException.InvalidResponseCode, innerException: ex);
            }

            if (entry is not null)
            {
                yield return entry;
            }
        }
    }
}
