using System.Text;
using System.Text.Json;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Search;

/// <summary>
/// A content search by ripgrep: <c>rg --json</c> started in the searched directory (through
/// its descriptor, <c>/proc/self/fd/N</c>, so the directory cannot be swapped between the check
/// and the search) on <c>.</c>; never through a shell, the query after <c>-e</c>. Its JSON lines
/// become hits; it is killed at <c>max_results</c>, at the deadline and on cancellation.
/// </summary>
internal static class RipgrepSearch
{
    private const int MaxStderrBytes = 16 * 1024;

    public static void Run(OperationContext context, WorkspaceDirectory root, ContentSearchArgs args, HitCollector hits, long deadline)
    {
        using var process = Ripgrep.Start(context.Supervisor, Arguments(root, args), $"/proc/self/fd/{root.Fd}");
        var parser = new Parser(hits);
        var lines = new LineSplitter((line, truncated) =>
        {
            // A line of JSON cut short cannot be parsed; such a match is on a line of more than 1 MiB.
            if (!truncated) parser.Line(line.Span);
        });
        var stderr = new MemoryStream();
        HelperProcess.Outcome outcome;
        try
        {
            outcome = process.Pump(lines.Feed, chunk =>
            {
                if (stderr.Length < MaxStderrBytes) stderr.Write(chunk[..Math.Min(chunk.Length, MaxStderrBytes - (int)stderr.Length)]);
            }, () => hits.Capped, deadline, context.Cancellation);
        }
        catch
        {
            process.Kill();
            throw;
        }
        // Capped or late: nothing more is wanted from it. (After both pipes ended it is exiting
        // on its own, and a kill would only blur its exit status.)
        if (outcome != HelperProcess.Outcome.Ended) process.Kill();

        if (outcome == HelperProcess.Outcome.TimedOut)
            throw new OperationException("timeout", $"the search took longer than {args.TimeoutSeconds} s");
        if (outcome == HelperProcess.Outcome.Stopped) return;
        lines.Finish();
        var status = process.WaitForExit(TimeSpan.FromSeconds(10));
        // Exit 2 is an error; with a summary it was about some files (unreadable ones), without
        // one ripgrep never searched: a bad pattern or glob, which is the request's fault.
        if (status is { Exited: true, ExitStatus: 2 } && !parser.SawSummary)
        {
            var message = Encoding.UTF8.GetString(stderr.ToArray()).Trim();
            var requestFault = message.Contains("regex", StringComparison.OrdinalIgnoreCase) || message.Contains("glob", StringComparison.OrdinalIgnoreCase);
            throw new OperationException(requestFault ? "bad_request" : "io_error", $"ripgrep: {message}");
        }
        if (status is { Exited: false })
            throw new OperationException("io_error", $"ripgrep was killed by signal {status.Value.TermSignal}");
    }

    /// <summary>ripgrep's arguments for the request: everything after <c>-e</c> and <c>--</c> is data, never an option.</summary>
    internal static List<string> Arguments(WorkspaceDirectory root, ContentSearchArgs args)
    {
        // --no-config: a RIPGREP_CONFIG_PATH in the workspace must not change the output format.
        // --no-require-git: .gitignore files count outside git repositories too, as in the built-in search.
        List<string> argv = ["--json", "--no-config", "--no-require-git", "--no-messages", args.CaseSensitive ? "--case-sensitive" : "--ignore-case"];
        if (!args.Regex) argv.Add("--fixed-strings");
        if (args.WholeWord) argv.Add("--word-regexp");
        if (args.ContextLines > 0) argv.Add($"--context={args.ContextLines}");
        if (args.IncludeHidden) argv.Add("--hidden");
        if (args.NoGitignore) argv.Add("--no-ignore");
        foreach (var type in args.FileTypes ?? [])
            argv.Add($"--iglob=*.{type}");
        foreach (var pattern in args.IgnorePatterns ?? [])
            argv.Add($"--glob=!{pattern}");
        if (root.Path == "/")
        {
            // Anchored to the working directory, which is the searched one.
            foreach (var reserved in WorkspaceDirectory.Reserved)
                argv.Add($"--glob=!{reserved}");
        }
        argv.AddRange(["--regexp", args.Query, "--", "."]);
        return argv;
    }

    /// <summary>Turns <c>rg --json</c> lines (<c>begin</c>, <c>match</c>, <c>context</c>, <c>end</c>, <c>summary</c>) into hits.</summary>
    private sealed class Parser(HitCollector hits)
    {
        public bool SawSummary { get; private set; }

        public void Line(ReadOnlySpan<byte> line)
        {
            if (line.IsEmpty || hits.Capped) return;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line.ToArray());
            }
            catch (JsonException)
            {
                return;
            }

            using (document)
            {
                var message = document.RootElement;
                var type = message.TryGetProperty("type", out var t) ? t.GetString() : null;
                if (type == "summary")
                {
                    SawSummary = true;
                    return;
                }
                if (type is not ("match" or "context") || !message.TryGetProperty("data", out var data)) return;
                var file = Text(data, "path");
                var text = Text(data, "lines");
                if (file is null || text is null || !data.TryGetProperty("line_number", out var number) || number.ValueKind != JsonValueKind.Number) return;
                if (file.StartsWith("./", StringComparison.Ordinal)) file = file[2..];
                if (type == "context")
                {
                    hits.Context(file, number.GetInt32(), text);
                    return;
                }
                var column = 1;
                if (data.TryGetProperty("submatches", out var submatches) && submatches.GetArrayLength() > 0
                    && submatches[0].TryGetProperty("start", out var start))
                    column = start.GetInt32() + 1;
                hits.Match(file, number.GetInt32(), column, text);
            }
        }

        /// <summary>ripgrep's "arbitrary data": <c>{"text": ...}</c>, or <c>{"bytes": base64}</c> when not UTF-8.</summary>
        private static string? Text(JsonElement data, string name)
        {
            if (!data.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Object) return null;
            if (value.TryGetProperty("text", out var text)) return text.GetString();
            return value.TryGetProperty("bytes", out var bytes) ? Encoding.UTF8.GetString(Convert.FromBase64String(bytes.GetString() ?? "")) : null;
        }
    }
}
