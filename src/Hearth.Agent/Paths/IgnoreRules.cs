namespace Hearth.Agent.Paths;

/// <summary>
/// The patterns of one <c>.gitignore</c>-style file (gitignore(5)), or of a request's ignore
/// list, for paths relative to the directory that holds it: blank lines and <c>#</c> comments
/// are skipped, <c>!</c> re-includes, a trailing <c>/</c> matches directories only, a pattern
/// with a <c>/</c> elsewhere is anchored to that directory, any other matches a name at any
/// depth below it, with <see cref="Glob"/> wildcards. The last pattern that matches decides.
/// </summary>
internal sealed class IgnoreRules
{
    /// <summary>An ignore file larger than this is not read (a real one is a few KiB).</summary>
    public const int MaxFileBytes = 256 * 1024;

    private readonly List<Rule> _rules;

    private IgnoreRules(List<Rule> rules) => _rules = rules;

    public bool IsEmpty => _rules.Count == 0;

    /// <summary>Rules from the text of an ignore file.</summary>
    public static IgnoreRules Parse(string text) => Parse(text.Split('\n'));

    /// <summary>Rules from lines written as in an ignore file (an ignore file's, or a request's list).</summary>
    public static IgnoreRules Parse(IEnumerable<string> lines)
    {
        var rules = new List<Rule>();
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r');
            // Trailing spaces are ignored unless escaped with a backslash.
            while (line.EndsWith(' ') && !line.EndsWith("\\ ", StringComparison.Ordinal)) line = line[..^1];
            if (line.Length == 0 || line[0] == '#') continue;
            if (ParseLine(line) is { } rule) rules.Add(rule);
        }
        return new IgnoreRules(rules);
    }

    /// <summary>Each glob excludes what it matches (ripgrep's <c>--glob '!x'</c>).</summary>
    public static IgnoreRules Excluding(IEnumerable<string> globs) =>
        new([.. globs.Select(g => g.Trim()).Where(g => g.Length > 0).Select(ParseLine).OfType<Rule>()]);

    /// <summary>Reads <paramref name="name"/> in the directory open as <paramref name="dirFd"/>; null if it is missing or unreadable.</summary>
    public static IgnoreRules? Load(int dirFd, string name)
    {
        var text = TreeFiles.ReadSmallText(dirFd, name, MaxFileBytes);
        if (text is null) return null;
        var rules = Parse(text);
        return rules.IsEmpty ? null : rules;
    }

    /// <summary>
    /// True (ignored), false (re-included by a <c>!</c> pattern) or null (no pattern matches)
    /// for <paramref name="relativePath"/>, relative to these rules' directory.
    /// </summary>
    public bool? Match(string relativePath, bool isDirectory)
    {
        var name = relativePath.AsSpan(relativePath.LastIndexOf('/') + 1);
        for (var i = _rules.Count - 1; i >= 0; i--)
        {
            var rule = _rules[i];
            if (rule.DirectoryOnly && !isDirectory) continue;
            var matched = rule.Anchored ? Glob.Match(rule.Pattern, relativePath) : Glob.Match(rule.Pattern, name);
            if (matched) return !rule.Negated;
        }
        return null;
    }

    private static Rule? ParseLine(string line)
    {
        var negated = line[0] == '!';
        if (negated) line = line[1..];
        else if (line.StartsWith("\\!", StringComparison.Ordinal) || line.StartsWith("\\#", StringComparison.Ordinal)) line = line[1..];
        var directoryOnly = line.EndsWith('/');
        if (directoryOnly) line = line.TrimEnd('/');
        var anchored = line.Contains('/', StringComparison.Ordinal);
        line = line.TrimStart('/');
        if (line.StartsWith("**/", StringComparison.Ordinal) && !line[3..].Contains('/', StringComparison.Ordinal))
        {
            // "**/name" is the same as "name": at any depth.
            line = line[3..];
            anchored = false;
        }
        return line.Length == 0 ? null : new Rule(line, negated, directoryOnly, anchored);
    }

    private sealed record Rule(string Pattern, bool Negated, bool DirectoryOnly, bool Anchored);
}
