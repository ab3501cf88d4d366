using Hearth.Agent.Paths;

namespace Hearth.Agent.Watch;

/// <summary>
/// What a watch leaves out: a pattern without <c>/</c> is matched against each entry's name
/// (<c>node_modules</c>, <c>*.swp</c>), one with a <c>/</c> against its path below the root
/// (<c>src/generated</c>). An excluded directory is not watched, so nothing below it is reported.
/// </summary>
internal sealed class WatchExcludes(IReadOnlyList<string> patterns)
{
    public bool Matches(string relativePath, string name)
    {
        foreach (var pattern in patterns)
        {
            if (pattern.Length == 0) continue;
            var matched = pattern.Contains('/', StringComparison.Ordinal)
                ? Glob.Match(pattern.Trim('/'), relativePath)
                : Glob.Match(pattern, name);
            if (matched) return true;
        }
        return false;
    }
}
