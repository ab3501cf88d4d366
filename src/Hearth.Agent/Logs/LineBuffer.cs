namespace Hearth.Agent.Logs;

/// <summary>
/// Turns one pipe's chunks into whole log lines: complete lines go out at once with the
/// chunk's time, a partial one waits for its end (or for <see cref="LogLine.MaxText"/> bytes,
/// or the pipe's end of file). The pump thread's alone.
/// </summary>
internal sealed class LineBuffer(byte stream)
{
    private readonly byte[] _partial = new byte[LogLine.MaxText];
    private int _partialLength;

    /// <summary>A line was just cut at <see cref="LogLine.MaxText"/>: a newline right after the cut ends it, it does not make an empty line.</summary>
    private bool _cut;

    /// <summary>Formats the lines <paramref name="chunk"/> completes into <paramref name="output"/>; returns how many.</summary>
    public int Add(ReadOnlySpan<byte> chunk, DateTime time, List<byte> output)
    {
        var lines = 0;
        if (_cut && !chunk.IsEmpty)
        {
            _cut = false;
            if (chunk[0] == (byte)'\n') chunk = chunk[1..];
        }

        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var take = newline < 0 ? chunk.Length : newline;
            var room = LogLine.MaxText - _partialLength;
            if (take > room || (newline < 0 && take == room))
            {
                // Full: the buffer and as much of this chunk as fits make one line.
                Emit(chunk[..room], time, output);
                lines++;
                chunk = chunk[room..];
                if (chunk.IsEmpty) _cut = true;
                else if (chunk[0] == (byte)'\n') chunk = chunk[1..];
                continue;
            }

            if (newline < 0)
            {
                chunk.CopyTo(_partial.AsSpan(_partialLength));
                _partialLength += chunk.Length;
                break;
            }

            Emit(chunk[..newline], time, output);
            lines++;
            chunk = chunk[(newline + 1)..];
        }

        return lines;
    }

    /// <summary>The pipe ended: a last line without newline is written as a line.</summary>
    public int Flush(DateTime time, List<byte> output)
    {
        if (_partialLength == 0) return 0;
        Emit([], time, output);
        return 1;
    }

    private void Emit(ReadOnlySpan<byte> tail, DateTime time, List<byte> output)
    {
        Span<byte> prefix = stackalloc byte[LogLine.PrefixLength];
        LogLine.WritePrefix(prefix, time, stream);
        output.AddRange(prefix);
        output.AddRange(_partial.AsSpan(0, _partialLength));
        output.AddRange(tail);
        output.Add((byte)'\n');
        _partialLength = 0;
    }
}
