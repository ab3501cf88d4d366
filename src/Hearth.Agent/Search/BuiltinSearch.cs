using System.Text;
using System.Text.RegularExpressions;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Search;

/// <summary>
/// The content search without ripgrep: a walk by descriptors (<see cref="TreeWalk"/>) with
/// ripgrep's default filters (<see cref="SearchFilter"/>), skipping binary files (a NUL byte,
/// as ripgrep detects them), and .NET's backtracking <see cref="Regex"/> line by line. The
/// regex has a match timeout, so a pattern that backtracks catastrophically ends in
/// <c>timeout</c> instead of holding PID 1's thread.
/// </summary>
internal static class BuiltinSearch
{
    private const int ReadSize = 64 * 1024;

    public static void Run(OperationContext context, WorkspaceDirectory root, ContentSearchArgs args, HitCollector hits, long deadline)
    {
        var regex = Build(args);
        var visitor = new Visitor(root, args, regex, hits, deadline, context.Cancellation);
        try
        {
            TreeWalk.Run(root, visitor, context.Cancellation);
        }
        catch (RegexMatchTimeoutException)
        {
            visitor.TimedOut = true;
        }
        if (visitor.TimedOut)
            throw new OperationException("timeout", $"the search took longer than {args.TimeoutSeconds} s");
    }

    /// <summary>The query as a regex: escaped unless <c>regex</c>, bounded by non-word characters for <c>whole_word</c> (as ripgrep's -w).</summary>
    internal static Regex Build(ContentSearchArgs args)
    {
        var pattern = args.Regex ? args.Query : Regex.Escape(args.Query);
        if (args.WholeWord) pattern = $@"(?<!\w)(?:{pattern})(?!\w)";
        var options = RegexOptions.CultureInvariant | (args.CaseSensitive ? RegexOptions.None : RegexOptions.IgnoreCase);
        try
        {
            return new Regex(pattern, options, TimeSpan.FromSeconds(Math.Max(1, args.TimeoutSeconds)));
        }
        catch (ArgumentException e)
        {
            throw new OperationException("bad_request", $"invalid regex: {e.Message}");
        }
    }

    private sealed class Visitor(WorkspaceDirectory root, ContentSearchArgs args, Regex regex, HitCollector hits, long deadline,
        CancellationToken cancellation) : ITreeVisitor
    {
        private readonly SearchFilter _filter = new(root, args.IncludeHidden, !args.NoGitignore, args.IgnorePatterns);
        private readonly byte[] _buffer = new byte[ReadSize];

        public bool TimedOut { get; set; }

        public bool Done => hits.Capped || TimedOut;

        public bool Descend(string relativePath, string name) => !_filter.Skips(relativePath, name, isDirectory: true);

        public void Entered(int fd, string relativePath) => _filter.Entered(fd, relativePath);

        public void Left(string relativePath) => _filter.Left(relativePath);

        public void Entry(int parentFd, string relativePath, string name, byte type)
        {
            if (Done || type is not (Libc.DT_REG or Libc.DT_UNKNOWN)) return;
            if (_filter.Skips(relativePath, name, isDirectory: false) || !TypeMatches(name)) return;
            using var file = TreeFiles.OpenRegular(parentFd, name);
            if (file is null) return;
            using var stream = new FileStream(file, FileAccess.Read, bufferSize: 0);
            Search(stream, relativePath);
        }

        private bool TypeMatches(string name)
        {
            if (args.FileTypes is not { Count: > 0 } types) return true;
            foreach (var type in types)
                if (name.EndsWith("." + type, StringComparison.OrdinalIgnoreCase)) return true;
            return false;
        }

        private void Search(Stream stream, string file)
        {
            var lines = new FileLines(file, args.ContextLines, regex, hits);
            var splitter = new LineSplitter((line, _) => lines.Next(line.Span));
            while (!hits.Capped)
            {
                cancellation.ThrowIfCancellationRequested();
                if (Environment.TickCount64 > deadline)
                {
                    TimedOut = true;
                    return;
                }
                int count;
                try
                {
                    count = stream.Read(_buffer);
                }
                catch (IOException)
                {
                    return;
                }
                if (count == 0) break;
                var chunk = _buffer.AsSpan(0, count);
                // A NUL byte makes it binary: ripgrep stops searching such a file there, and so do we.
                var nul = chunk.IndexOf((byte)0);
                if (nul >= 0)
                {
                    splitter.Feed(chunk[..nul]);
                    return;
                }
                splitter.Feed(chunk);
            }
            if (!hits.Capped) splitter.Finish();
        }
    }

    /// <summary>The lines of one file: matches and the context around them, each line reported once.</summary>
    private sealed class FileLines(string file, int contextLines, Regex regex, HitCollector hits)
    {
        private readonly Queue<(int Number, string Text)> _before = new();
        private int _number;
        private int _afterLeft;

        public void Next(ReadOnlySpan<byte> bytes)
        {
            if (hits.Capped) return;
            _number++;
            var text = Encoding.UTF8.GetString(bytes).TrimEnd('\r');
            var match = regex.Match(text);
            if (match.Success)
            {
                while (_before.TryDequeue(out var previous))
                    hits.Context(file, previous.Number, previous.Text);
                var column = Encoding.UTF8.GetByteCount(text.AsSpan(0, match.Index)) + 1;
                hits.Match(file, _number, column, text);
                _afterLeft = contextLines;
                return;
            }
            if (_afterLeft > 0)
            {
                _afterLeft--;
                hits.Context(file, _number, text);
                return;
            }
            if (contextLines == 0) return;
            _before.Enqueue((_number, text));
            if (_before.Count > contextLines) _before.Dequeue();
        }
    }
}
