using System.Text.Json;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Search;

/// <summary>
/// <c>search.content</c>: matching lines below a directory, as NDJSON <see cref="SearchHit"/>s,
/// by ripgrep when the bundle has it and by <see cref="BuiltinSearch"/> otherwise; the result
/// says which, and whether <c>max_results</c> cut it short. Past the timeout it ends with
/// <c>timeout</c> and no partial answer.
/// </summary>
internal static class ContentSearchOperation
{
    public static JsonElement? Run(OperationContext context)
    {
        var args = context.Args(AgentWatchSearchJsonContext.Default.ContentSearchArgs);
        Validate(args);
        var deadline = Environment.TickCount64 + args.TimeoutSeconds * 1000L;
        using var root = WorkspaceDirectory.Open(args.Path);
        var engine = Ripgrep.Unavailable() is null ? "ripgrep" : "builtin";
        using var output = new NdjsonOutput(context.OpenData());
        var hits = new HitCollector(output, args.MaxResults);
        if (engine == "ripgrep")
            RipgrepSearch.Run(context, root, args, hits, deadline);
        else
            BuiltinSearch.Run(context, root, args, hits, deadline);
        var summary = new SearchSummary { Path = root.Path, Capped = hits.Capped, Engine = engine };
        return OperationContext.Result(summary, AgentWatchSearchJsonContext.Default.SearchSummary);
    }

    /// <summary>hearthd validates requests field by field; this keeps the agent safe from any other caller.</summary>
    private static void Validate(ContentSearchArgs args)
    {
        if (string.IsNullOrEmpty(args.Query) || args.Query.Length > SearchLimits.MaxQueryLength)
            throw new OperationException("bad_request", $"query must be 1 to {SearchLimits.MaxQueryLength} characters");
        if (args.MaxResults is < 1 or > SearchLimits.MaxResults)
            throw new OperationException("bad_request", $"max_results must be between 1 and {SearchLimits.MaxResults}");
        if (args.TimeoutSeconds is < 1 or > SearchLimits.MaxTimeoutSeconds)
            throw new OperationException("bad_request", $"timeout must be between 1 and {SearchLimits.MaxTimeoutSeconds} seconds");
        if (args.ContextLines is < 0 or > SearchLimits.MaxContextLines)
            throw new OperationException("bad_request", $"context_lines must be between 0 and {SearchLimits.MaxContextLines}");
        foreach (var type in args.FileTypes ?? [])
            if (type.Length == 0 || type.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '+')))
                throw new OperationException("bad_request", $"file type '{type}' must be an extension of letters, digits, _, - or +");
    }
}
