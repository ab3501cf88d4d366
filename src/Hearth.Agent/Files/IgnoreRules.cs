namespace Hearth.Agent.Files;

/// <summary>
/// The patterns of one .gitignore file (or of an API request's ignore list), for paths relative
/// to the directory that holds it. The subset of gitignore(5) supported: blank lines and
/// <c>#</c> comments, <c>!</c> negation, a trailing <c>/</c> for directories only, a pattern
/// with a <c>/</c> before its end anchored to that directory, one without matching a name at
/// any depth, and <see cref="Glob"/> wildcards. The last pattern that matches decides.
/// </summary>
internal sealed class IgnoreRules
{
    /// <summary>A .gitignore larger than this is not read (a real one is a few KiB).</summary>
    public const int MaxFileSize = 256 * 1024;

    private readonly List<Rule> _rules;

    private IgnoreRules(string baseRelative, List<Rule> rules)
    {
        BaseRelative = baseRelative;
        _rules = rules;
    }

    /// <summary>The directory the patterns are relative to, relative to the walk's top ("" for the top).</summary>
    public string BaseRelative { get; }

    public bool IsEmpty => _rules.Count == 0;

    public static IgnoreRules Parse(string baseRelative, IEnumerable<string> lines)
    {
        var rules = new List<Rule>();
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (line.Length == 0 || line[0] == '#') continue;
            var negate = line[0] == '!';
            if (negate) line = line[1..];
            else if (line.StartsWith("\\#", StringComparison.Ordinal) || line.StartsWith("\\!", StringComparison.Ordinal)) line = line[1..];
            var directoryOnly = line.EndsWith('/');
            line = line.TrimEnd('/');
            if (line.Length == 0) continue;
            var anchored = line.Contains('/');
            rules.Add(new Rule(line.TrimStart('/'), negate, directoryOnly, anchored));
        }

        return new IgnoreRules(baseRelative, rules);
    }

    /// <summary>
    /// What these patterns say about <paramref name="relative"/> (relative to the walk's top):
    /// true ignored, false re-included by a negation, null no pattern matched.
    /// </summary>
    public bool? Decide(string relative, string name, bool isDirectory)
    {
        string local;
        if (BaseRelative.Length == 0) local = relative;
        else if (relative.StartsWith(BaseRelative + "/", StringComparison.Ordinal)) local = relative[(BaseRelative.Length + 1)..];
        else return null;

        bool? decision = null;
        foreach (var rule in _rules)
        {
            if (rule.DirectoryOnly && !isDirectory) continue;
            if (Glob.Match(rule.Pattern, rule.Anchored ? local : name)) decision = !rule.Negate;
        }

        return decision;
    }

    private sealed record Rule(string Pattern, bool Negate, bool DirectoryOnly, bool Anchored);
}
