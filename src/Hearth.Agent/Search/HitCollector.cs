using Hearth.Protocol.Agent;

namespace Hearth.Agent.Search;

/// <summary>
/// Where both search engines put what they find: matching lines count towards
/// <c>max_results</c> (one a line, with the column of its first match), context lines do not;
/// lines are cut at <see cref="SearchLimits.MaxTextLength"/> characters.
/// </summary>
internal sealed class HitCollector(NdjsonOutput output, int maxResults)
{
    private int _matches;

    /// <summary>True once a match beyond <c>max_results</c> was found: the search should stop.</summary>
    public bool Capped { get; private set; }

    /// <summary>Records a matching line; false (and <see cref="Capped"/>) when it is one too many.</summary>
    public bool Match(string file, int line, int column, string text)
    {
        if (_matches == maxResults)
        {
            Capped = true;
            return false;
        }
        _matches++;
        output.Write(new SearchHit { File = file, Line = line, Column = column, Text = Cut(text) }, AgentWatchSearchJsonContext.Default.SearchHit);
        return true;
    }

    /// <summary>Records a context line (ignored once capped).</summary>
    public void Context(string file, int line, string text)
    {
        if (Capped) return;
        output.Write(new SearchHit { File = file, Line = line, Text = Cut(text) }, AgentWatchSearchJsonContext.Default.SearchHit);
    }

    private static string Cut(string text)
    {
        text = text.TrimEnd('\n').TrimEnd('\r');
        if (text.Length <= SearchLimits.MaxTextLength) return text;
        var cut = char.IsHighSurrogate(text[SearchLimits.MaxTextLength - 1]) ? SearchLimits.MaxTextLength - 1 : SearchLimits.MaxTextLength;
        return text[..cut];
    }
}
