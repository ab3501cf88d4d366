namespace Hearth.Agent.Files;

/// <summary>
/// Glob matching as .gitignore uses it (gitignore(5), "PATTERN FORMAT"): <c>*</c> and <c>?</c>
/// never match <c>/</c>; <c>[a-z]</c>, <c>[!a]</c> classes; <c>**/</c> matches zero or more
/// directories, a trailing <c>/**</c> everything inside; <c>\</c> escapes the next character.
/// </summary>
internal static class Glob
{
    public static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (true)
        {
            if (pattern.IsEmpty) return text.IsEmpty;
            if (pattern.StartsWith("**"))
            {
                var rest = pattern[2..];
                if (rest.IsEmpty) return true;
                if (rest[0] == '/')
                {
                    rest = rest[1..];
                    if (Match(rest, text)) return true;
                    for (var i = 0; i < text.Length; i++)
                        if (text[i] == '/' && Match(rest, text[(i + 1)..])) return true;
                    return false;
                }

                // "**" not followed by a slash is an ordinary star.
                pattern = pattern[1..];
                continue;
            }

            var c = pattern[0];
            if (c == '*')
            {
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
                pattern = pattern[1..];
                text = text[1..];
                continue;
            }

            if (c == '[' && ClassEnd(pattern) is var end and > 0)
            {
                if (text[0] == '/' || !InClass(pattern[1..end], text[0])) return false;
                pattern = pattern[(end + 1)..];
                text = text[1..];
                continue;
            }

            if (c == '\\' && pattern.Length > 1)
            {
                pattern = pattern[1..];
                c = pattern[0];
            }

            if (text[0] != c) return false;
            pattern = pattern[1..];
            text = text[1..];
        }
    }

    /// <summary>The index of the <c>]</c> closing the class that starts the pattern, or -1 (then <c>[</c> is literal).</summary>
    private static int ClassEnd(ReadOnlySpan<char> pattern)
    {
        var i = 1;
        if (i < pattern.Length && pattern[i] is '!' or '^') i++;
        if (i < pattern.Length && pattern[i] == ']') i++;
        for (; i < pattern.Length; i++)
            if (pattern[i] == ']') return i;
        return -1;
    }

    private static bool InClass(ReadOnlySpan<char> body, char c)
    {
        var negate = body.Length > 0 && body[0] is '!' or '^';
        if (negate) body = body[1..];
        var found = false;
        for (var i = 0; i < body.Length; i++)
        {
            if (i + 2 < body.Length && body[i + 1] == '-')
            {
                if (c >= body[i] && c <= body[i + 2]) found = true;
                i += 2;
            }
            else if (body[i] == c)
            {
                found = true;
            }
        }

        return found != negate;
    }
}
