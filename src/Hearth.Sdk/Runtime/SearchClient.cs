using Hearth.Protocol.Json;
using Hearth.Protocol.Runtime;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk.Runtime;

/// <summary>
/// Content and file-name search inside the workspace (<c>/files/search</c> on the runtime gateway);
/// reached through <see cref="RuntimeClient.Search"/>.
/// </summary>
/// <example>
/// <code>
/// var result = await rt.Search.ContentAsync("handleRequest", new ContentSearchOptions { Path = "/app" });
/// foreach (var (file, matches) in result.Results)
///     foreach (var m in matches) Console.WriteLine($"{file}:{m.Line}: {m.Text}");
/// </code>
/// </example>
public sealed class SearchClient
{
    private readonly RuntimeConnection _connection;

    internal SearchClient(RuntimeConnection connection) => _connection = connection;

    /// <summary>Searches file contents with ripgrep: <c>GET /files/search</c>.</summary>
    /// <param name="query">The text or, with <see cref="ContentSearchOptions.Regex"/>, the pattern (<c>q</c>, at most 1000 characters).</param>
    /// <param name="options">Where and how; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Matches by file.</returns>
    /// <exception cref="HearthApiException">503 when ripgrep is not installed, 504 when the search timed out.</exception>
    /// <example>
    /// <code>
    /// var result = await rt.Search.ContentAsync("password", new ContentSearchOptions { IncludeHidden = true });
    /// </code>
    /// </example>
    public Task<ContentSearchResponse> ContentAsync(string query, ContentSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(query);
        var url = RuntimePaths.Query("files/search",
            ("q", query),
            ("path", options?.Path),
            ("case_sensitive", options?.CaseSensitive),
            ("regex", options?.Regex),
            ("whole_word", options?.WholeWord),
            ("max_results", options?.MaxResults),
            ("timeout", options?.Timeout),
            ("context_lines", options?.ContextLines),
            ("file_types", options?.FileTypes),
            ("include_hidden", options?.IncludeHidden),
            ("no_gitignore", options?.NoGitignore),
            ("ignore_patterns", options?.IgnorePatterns));
        return _connection.SendAsync(HttpMethod.Get, url, body: null, HearthJsonContext.Default.ContentSearchResponse, cancellationToken);
    }

    /// <summary>Searches file names and paths: <c>GET /files/search/files</c> (no ripgrep needed).</summary>
    /// <param name="query">The text to look for in paths (<c>q</c>).</param>
    /// <param name="options">Where and how; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The matching relative paths.</returns>
    /// <example>
    /// <code>
    /// var found = await rt.Search.FilesAsync("Dockerfile");
    /// </code>
    /// </example>
    public Task<FileSearchResponse> FilesAsync(string query, FileSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(query);
        var url = RuntimePaths.Query("files/search/files",
            ("q", query),
            ("path", options?.Path),
            ("case_sensitive", options?.CaseSensitive),
            ("include_hidden", options?.IncludeHidden),
            ("max_results", options?.MaxResults),
            ("ignore_patterns", options?.IgnorePatterns));
        return _connection.SendAsync(HttpMethod.Get, url, body: null, HearthJsonContext.Default.FileSearchResponse, cancellationToken);
    }

    /// <summary>Asks whether content search can run (ripgrep is installed): <c>GET /files/search/init</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it is installed, where, and which version.</returns>
    /// <example>
    /// <code>
    /// if (!(await rt.Search.StatusAsync()).Installed) Console.WriteLine("no ripgrep in this image");
    /// </code>
    /// </example>
    public Task<SearchStatusResponse> StatusAsync(CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, "files/search/init", body: null, HearthJsonContext.Default.SearchStatusResponse, cancellationToken);
}
