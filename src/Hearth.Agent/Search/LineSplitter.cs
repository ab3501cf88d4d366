namespace Hearth.Agent.Search;

/// <summary>
/// Cuts a byte stream into lines without holding more than <see cref="MaxLineBytes"/> of one:
/// the rest of a longer line is dropped, and the line is handed over as <c>truncated</c>. Keeps
/// PID 1 small whatever a file (or ripgrep's JSON for a minified file) holds.
/// </summary>
internal sealed class LineSplitter(Action<ReadOnlyMemory<byte>, bool> onLine)
{
    public const int MaxLineBytes = 1024 * 1024;

    private byte[] _line = new byte[4096];
    private int _length;
    private bool _truncated;

    /// <summary>Feeds bytes; calls back once for each complete line (without its <c>\n</c>).</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            var part = newline < 0 ? data : data[..newline];
            Append(part);
            if (newline < 0) return;
            EndLine();
            data = data[(newline + 1)..];
        }
    }

    /// <summary>End of input: a last line without <c>\n</c> is handed over too.</summary>
    public void Finish()
    {
        if (_length > 0 || _truncated) EndLine();
    }

    private void Append(ReadOnlySpan<byte> part)
    {
        var room = MaxLineBytes - _length;
        if (part.Length > room)
        {
            _truncated = true;
            part = part[..room];
        }
        if (part.IsEmpty) return;
        if (_length + part.Length > _line.Length)
            Array.Resize(ref _line, Math.Min(MaxLineBytes, Math.Max(_line.Length * 2, _length + part.Length)));
        part.CopyTo(_line.AsSpan(_length));
        _length += part.Length;
    }

    private void EndLine()
    {
        onLine(_line.AsMemory(0, _length), _truncated);
        _length = 0;
        _truncated = false;
        // One very long line must not keep its buffer for the rest of the search.
        if (_line.Length > 64 * 1024) _line = new byte[4096];
    }
}
