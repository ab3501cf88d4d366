namespace Hearth.Agent.Paths;

/// <summary>
/// Glob matching as gitignore(5) defines it ("PATTERN FORMAT"), which is also what ripgrep's
/// <c>--glob</c> uses: <c>*</c> and <c>?</c> stop at <c>/</c>, <c>[a-z]</c> and
/// <c>[!a-z]</c> are classes, <c>\</c> escapes (inside a class too), <c>**/</c> spans any
/// number of directories and a trailing <c>**</c> everything below; any other <c>**</c> is a
/// plain <c>*</c>.
/// </summary>
internal static class Glob
{
    public static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (true)
        {
            if (pattern.IsEmpty) return text.IsEmpty;
            var c = pattern[0];
            if (c == '*')
            {
                if (pattern.Length > 1 && pattern[1] == '*')
                {
                    if (MatchDoubleStar(pattern[2..], text) is { } matched) return matched;
                    pattern = pattern[1..];
                    continue;
                }

                var rest = pattern[1..];
                for (var i = 0; i <= text.Length; i++)
                {
                    if (Match(rest, text[i..])) return true;
                    if (i < text.Length && text[i] == '/') return false;
                }
                return false;
            }

            if (text.IsEmpty) return false;
            if (c == '?')
            {
                if (text[0] == '/') return false;
            }
            else if (c == '[' && Class(pattern, text[0]) is var (length, matched))
            {
                if (!matched || text[0] == '/') return false;
                pattern = pattern[length..];
                text = text[1..];
                continue;
            }
            else
            {
                if (c == '\\' && pattern.Length > 1)
                {
                    pattern = pattern[1..];
                    c = pattern[0];
                }
                if (c != text[0]) return false;
            }
            pattern = pattern[1..];
            text = text[1..];
        }
    }

    /// <summary>
    /// After <c>**</c>: <c>**/x</c> is x at any depth and a final <c>**</c> is anything; null
    /// when neither (then the <c>**</c> is an ordinary <c>*</c>).
    /// </summary>
    private static bool? MatchDoubleStar(ReadOnlySpan<char> rest, ReadOnlySpan<char> text)
    {
        if (rest.IsEmpty) return true;
        if (rest[0] != '/') return null;
        var after = rest[1..];
        if (Match(after, text)) return true;
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '/' && Match(after, text[(i + 1)..])) return true;
        return false;
    }

    /// <summary>A <c>[...]</c> class at the start of <paramref name="pattern"/>: its length and whether <paramref name="c"/> is in it; null if it is not closed (then <c>[</c> is literal).</summary>
    private static (int Length, bool Matched)? Class(ReadOnlySpan<char> pattern, char c)
    {
        var i = 1;
        var negated = i < pattern.Length && pattern[i] is '!' or '^';
        if (negated) i++;
        var matched = false;
        var first = true;
        while (i < pattern.Length && (pattern[i] != ']' || first))
        {
            first = false;
            var low = pattern[i];
            if (low == '\\' && i + 1 < pattern.Length) low = pattern[++i];
            var high = low;
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                high = pattern[i + 2];
                i += 2;
            }
            if (c >= low && c <= high) matched = true;
            i++;
        }
        if (i >= pattern.Length) return null;
        return (i + 1, matched != negated);
    }
}
