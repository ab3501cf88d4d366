using System.Text.Json;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Search;

/// <summary>
/// <c>search.files</c>: the regular files below a directory whose path (relative to it)
/// contains the query, as NDJSON strings, filtered like a content search (hidden names,
/// ignore files, <c>ignore_patterns</c>). Symlinks are neither listed nor followed.
/// </summary>
internal static class FileSearchOperation
{
    public static JsonElement? Run(OperationContext context)
    {
        var args = context.Args(AgentWatchSearchJsonContext.Default.FileSearchArgs);
        if (string.IsNullOrEmpty(args.Query)) throw new OperationException("bad_request", "query is required");
        if (args.MaxResults is < 1 or > SearchLimits.MaxResults)
            throw new OperationException("bad_request", $"max_results must be between 1 and {SearchLimits.MaxResults}");

        using var root = WorkspaceDirectory.Open(args.Path);
        using var output = new NdjsonOutput(context.OpenData());
        var visitor = new Visitor(root, args, output);
        TreeWalk.Run(root, visitor, context.Cancellation);
        var summary = new SearchSummary { Path = root.Path, Capped = visitor.Capped };
        return OperationContext.Result(summary, AgentWatchSearchJsonContext.Default.SearchSummary);
    }

    private sealed class Visitor(WorkspaceDirectory root, FileSearchArgs args, NdjsonOutput output) : ITreeVisitor
    {
        private readonly SearchFilter _filter = new(root, args.IncludeHidden, useIgnoreFiles: true, args.IgnorePatterns);
        private readonly StringComparison _comparison = args.CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        private int _found;

        public bool Capped { get; private set; }

        public bool Done => Capped;

        public bool Descend(string relativePath, string name) => !Capped && !_filter.Skips(relativePath, name, isDirectory: true);

        public void Entered(int fd, string relativePath) => _filter.Entered(fd, relativePath);

        public void Left(string relativePath) => _filter.Left(relativePath);

        public void Entry(int parentFd, string relativePath, string name, byte type)
        {
            if (Capped || type is not (Libc.DT_REG or Libc.DT_UNKNOWN)) return;
            if (!relativePath.Contains(args.Query, _comparison) || _filter.Skips(relativePath, name, isDirectory: false)) return;
            if (type == Libc.DT_UNKNOWN)
            {
                using var file = TreeFiles.OpenRegular(parentFd, name);
                if (file is null) return;
            }
            if (_found == args.MaxResults)
            {
                Capped = true;
                return;
            }
            _found++;
            output.WriteString(relativePath);
        }
    }
}
