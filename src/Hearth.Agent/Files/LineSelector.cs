using System.Text;

namespace Hearth.Agent.Files;

/// <summary>
/// Picks lines <c>first..last</c> (1-based, inclusive) out of a file fed in chunks, optionally
/// numbering them as <c>cat -n</c> does (the number right-aligned in 6 columns, then a tab), and
/// counts every line of the file. A line ends with its <c>\n</c>, which stays part of it; a last
/// line without one still counts.
/// </summary>
internal sealed class LineSelector(long first, long last, bool numbers)
{
    private long _line = 1;
    private bool _inLine;

    /// <summary>Lines seen so far.</summary>
    public long Lines => _inLine ? _line : _line - 1;

    /// <summary>Whether nothing after what was fed can be selected any more.</summary>
    public bool PastLast => _line > last;

    /// <summary>Feeds the next chunk; the selected bytes (and number prefixes) go to <paramref name="sink"/>.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, ISelectionSink sink)
    {
        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var piece = newline < 0 ? chunk : chunk[..(newline + 1)];
            var selected = _line >= first && _line <= last;
            if (!_inLine)
            {
                _inLine = true;
                if (selected && numbers) sink.Write(Encoding.ASCII.GetBytes($"{_line,6}\t"));
            }

            if (selected) sink.Write(piece);
            if (newline >= 0)
            {
                _line++;
                _inLine = false;
            }

            chunk = chunk[piece.Length..];
        }
    }
}

/// <summary>Where <see cref="LineSelector"/> puts what it selects.</summary>
internal interface ISelectionSink
{
    void Write(ReadOnlySpan<byte> bytes);
}
