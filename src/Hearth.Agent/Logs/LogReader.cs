using Microsoft.Win32.SafeHandles;

namespace Hearth.Agent.Logs;

/// <summary>
/// Reads a <see cref="SegmentedLog"/> from a cursor on: everything written up to now, and, by
/// waiting (<see cref="Wait"/>), what is written later — one byte sequence, so history and live
/// lines meet without a gap or an overlap. It keeps its segment open, so a segment deleted by
/// the size limit while being read is still read to its end. When what it needs is gone
/// (retention) or the log was cleared, <see cref="Read"/> moves the cursor and reports a
/// <c>gap</c> or <c>cleared</c> notice; a partial line read before it must then be discarded.
/// </summary>
internal sealed class LogReader : IDisposable
{
    private readonly SegmentedLog _log;
    private SafeFileHandle? _handle;
    private long _handleStart;
    private long _clears;

    public LogReader(SegmentedLog log, long cursor)
    {
        _log = log;
        var snapshot = log.Snapshot();
        _clears = snapshot.Clears;
        Cursor = Math.Min(Math.Max(cursor, 0), snapshot.Next);
    }

    /// <summary>The cursor of the next byte <see cref="Read"/> returns.</summary>
    public long Cursor { get; private set; }

    /// <summary>Whether the last <see cref="Read"/> found nothing because it is at the log's end (rather than because the bytes it needs are missing).</summary>
    public bool AtEnd { get; private set; }

    /// <summary>True once the log has been deleted (its workload is gone): nothing more will come.</summary>
    public bool IsClosed => _log.Snapshot().Closed;

    /// <summary>
    /// Reads what is there at <see cref="Cursor"/> into <paramref name="buffer"/>: the count
    /// (0 when it is at the end, or when <paramref name="notice"/> is set: the cursor moved
    /// to where the log goes on, and the caller should say so before reading again).
    /// </summary>
    public int Read(Span<byte> buffer, out string? notice)
    {
        notice = null;
        AtEnd = false;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var snapshot = _log.Snapshot();
            if (snapshot.Clears != _clears)
            {
                _clears = snapshot.Clears;
                // A clear keeps the cursor going: a reader at the end (Cursor == ClearedAt) lost
                // nothing, but is told all the same, so its client can drop what it shows.
                if (Cursor <= snapshot.ClearedAt)
                {
                    CloseHandle();
                    Cursor = snapshot.ClearedAt;
                    notice = "cleared";
                    return 0;
                }
            }

            if (Cursor >= snapshot.Next)
            {
                AtEnd = true;
                return 0;
            }

            if (_handle is not null)
            {
                // Only up to the end the snapshot saw: a write under way is not a whole line yet.
                var end = Math.Min(_handleStart + RandomAccess.GetLength(_handle), snapshot.Next);
                if (Cursor < end)
                {
                    var count = RandomAccess.Read(_handle, buffer[..(int)Math.Min(buffer.Length, end - Cursor)], Cursor - _handleStart);
                    Cursor += count;
                    return count;
                }

                CloseHandle();
            }

            var segment = Array.Find(snapshot.Segments, s => s.Start <= Cursor && Cursor < s.End);
            if (segment is null)
            {
                var next = Array.Find(snapshot.Segments, s => s.End > Cursor);
                if (next is null) return 0;
                Cursor = next.Start;
                notice = "gap";
                return 0;
            }

            try
            {
                _handle = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Read);
                _handleStart = segment.Start;
            }
            catch (FileNotFoundException)
            {
                // Deleted between the snapshot and the open: look again.
            }
        }

        return 0;
    }

    /// <summary>Blocks until the log may have more past <see cref="Cursor"/> (a write, a clear, its deletion), at most <paramref name="timeout"/>.</summary>
    public void Wait(TimeSpan timeout) => _log.WaitBeyond(Cursor, _clears, timeout);

    public void Dispose() => CloseHandle();

    private void CloseHandle()
    {
        _handle?.Dispose();
        _handle = null;
    }
}
