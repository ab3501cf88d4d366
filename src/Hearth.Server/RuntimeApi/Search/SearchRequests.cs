using Hearth.Protocol.Agent;
using Hearth.Server.Api;

namespace Hearth.Server.RuntimeApi.Search;

/// <summary>The query strings of the search endpoints, validated into the agent's arguments (every bad field at once).</summary>
internal static class SearchRequests
{
    private const int MaxPathLength = 4096;
    private const int MaxListItems = 100;
    private const int MaxPatternLength = 256;

    public static ContentSearchArgs Content(IQueryCollection query)
    {
        var fields = new QueryFields(query);
        var q = Query(fields);
        var args = new ContentSearchArgs
        {
            Query = q ?? "",
            Path = fields.String("path", MaxPathLength),
            CaseSensitive = fields.Boolean("case_sensitive") ?? false,
            Regex = fields.Boolean("regex") ?? false,
            WholeWord = fields.Boolean("whole_word") ?? false,
            MaxResults = fields.Integer("max_results", 1, SearchLimits.MaxResults) ?? 100,
            TimeoutSeconds = fields.Integer("timeout", 1, SearchLimits.MaxTimeoutSeconds) ?? 10,
            ContextLines = fields.Integer("context_lines", 0, SearchLimits.MaxContextLines) ?? 0,
            FileTypes = FileTypes(fields),
            IncludeHidden = fields.Boolean("include_hidden") ?? false,
            NoGitignore = fields.Boolean("no_gitignore") ?? false,
            IgnorePatterns = fields.List("ignore_patterns", MaxListItems, MaxPatternLength),
        };
        if (fields.Errors.Count > 0) throw ApiException.Invalid(fields.Errors);
        return args;
    }

    public static FileSearchArgs Files(IQueryCollection query)
    {
        var fields = new QueryFields(query);
        var q = Query(fields);
        var args = new FileSearchArgs
        {
            Query = q ?? "",
            Path = fields.String("path", MaxPathLength),
            CaseSensitive = fields.Boolean("case_sensitive") ?? false,
            IncludeHidden = fields.Boolean("include_hidden") ?? false,
            MaxResults = fields.Integer("max_results", 1, SearchLimits.MaxResults) ?? 200,
            IgnorePatterns = fields.List("ignore_patterns", MaxListItems, MaxPatternLength),
        };
        if (fields.Errors.Count > 0) throw ApiException.Invalid(fields.Errors);
        return args;
    }

    private static string? Query(QueryFields fields)
    {
        var q = fields.String("q", SearchLimits.MaxQueryLength);
        if (q is null && fields.Errors.Count == 0) fields.Add("q", "is required");
        else if (q is { Length: 0 }) fields.Add("q", "must not be empty");
        else if (q is not null && q.Contains('\0', StringComparison.Ordinal)) fields.Add("q", "must not contain NUL characters");
        return q;
    }

    /// <summary><c>file_types</c>: extensions, with or without a leading <c>.</c> or <c>*.</c>.</summary>
    private static List<string> FileTypes(QueryFields fields)
    {
        var types = fields.List("file_types", MaxListItems, 32).Select(t => t.TrimStart('*').TrimStart('.')).ToList();
        foreach (var type in types)
        {
            if (type.Length == 0 || type.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '+')))
            {
                fields.Add("file_types", $"'{type}' is not a file extension (letters, digits, _, - and +)");
                break;
            }
        }
        return types;
    }
}
