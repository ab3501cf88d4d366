using System.Text;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Workloads;

namespace Hearth.Server.Workloads;

/// <summary>
/// Turns the bytes of a log (docs/design/workloads.md, "Logs") into lines with their cursors.
/// Each stored line is <c>2026-11-29T18:00:00.123Z o text\n</c>: a 24-byte UTC timestamp, the
/// stream (<c>o</c> stdout, <c>e</c> stderr, <c>s</c> the agent's notes), the text. Bytes arrive in
/// chunks of any size, so a line may span several; a line's cursor is the cursor of its first
/// byte, counted from where the read started (<see cref="Restart"/>). The log is the workspace's
/// own data and may have been edited inside it: a line that does not have the form is still
/// returned, whole, as stdout, and bytes that are not UTF-8 become U+FFFD.
/// </summary>
internal sealed class LogLineParser
{
    private const int TimestampLength = LogLineFormat.TimestampLength;
    /// <summary>Timestamp, space, stream letter, space.</summary>
    private const int PrefixLength = LogLineFormat.PrefixLength;
    /// <summary>The longest line returned whole; the agent's lines are at most 16 KiB of text.</summary>
    public const int MaxLineBytes = 64 * 1024;

    private byte[] pending = new byte[1024];
    private int pendingLength;
    private long cursor;

    /// <summary>Where the next line starts: just past the last whole line.</summary>
    public long Cursor => cursor;

    /// <summary>The data that follows starts at <paramref name="at"/> (a read's start, a gap, a clear); a partial line before it is dropped.</summary>
    public void Restart(long at)
    {
        cursor = at;
        pendingLength = 0;
    }

    /// <summary>Adds every line <paramref name="data"/> completes to <paramref name="lines"/>; keeps the rest for the next chunk.</summary>
    public void Feed(ReadOnlySpan<byte> data, List<LogItem> lines)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            var room = MaxLineBytes - pendingLength;
            if (newline >= 0 && newline <= room)
            {
                Emit(data[..newline], lines, terminated: true);
                data = data[(newline + 1)..];
            }
            else if (data.Length <= room)
            {
                Keep(data);
                return;
            }
            else
            {
                // Longer than any line the agent writes (it splits at 16 KiB): an edited log. Cut
                // it, so that a line without end cannot make hearthd hold the whole log.
                Emit(data[..room], lines, terminated: false);
                data = data[room..];
            }
        }
    }

    private void Emit(ReadOnlySpan<byte> tail, List<LogItem> lines, bool terminated)
    {
        ReadOnlySpan<byte> line;
        if (pendingLength == 0)
        {
            line = tail;
        }
        else
        {
            Keep(tail);
            line = pending.AsSpan(0, pendingLength);
        }

        var next = cursor + line.Length + (terminated ? 1 : 0);
        lines.Add(new LogLine(Parse(line, cursor), next));
        cursor = next;
        pendingLength = 0;
    }

    public static LogEntry Parse(ReadOnlySpan<byte> line, long cursor)
    {
        if (line.Length >= PrefixLength - 1 && line[TimestampLength] == (byte)' '
            && StreamName(line[TimestampLength + 1]) is { } stream
            && (line.Length == PrefixLength - 1 || line[PrefixLength - 1] == (byte)' ')
            && ParseTimestamp(line[..TimestampLength]) is { } timestamp)
        {
            var text = line.Length > PrefixLength ? Encoding.UTF8.GetString(line[PrefixLength..]) : "";
            return new LogEntry { Timestamp = timestamp, Stream = stream, Line = text, Cursor = cursor };
        }
        return new LogEntry { Timestamp = DateTimeOffset.UnixEpoch, Stream = "stdout", Line = Encoding.UTF8.GetString(line), Cursor = cursor };
    }

    private static string? StreamName(byte letter) => LogLineFormat.StreamName(letter);

    /// <summary><c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, exactly (the agent's own format; parsed by hand, it is on every line).</summary>
    private static DateTimeOffset? ParseTimestamp(ReadOnlySpan<byte> t)
    {
        if (t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != '.' || t[23] != 'Z') return null;
        if (Number(t[..4]) is not { } year || Number(t.Slice(5, 2)) is not { } month || Number(t.Slice(8, 2)) is not { } day
            || Number(t.Slice(11, 2)) is not { } hour || Number(t.Slice(14, 2)) is not { } minute || Number(t.Slice(17, 2)) is not { } second
            || Number(t.Slice(20, 3)) is not { } millisecond)
            return null;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) || hour > 23 || minute > 59 || second > 59 || year < 1)
            return null;
        return new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero);
    }

    private static int? Number(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var d in digits)
        {
            if (d is < (byte)'0' or > (byte)'9') return null;
            value = value * 10 + (d - '0');
        }
        return value;
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (pendingLength + bytes.Length > pending.Length)
            Array.Resize(ref pending, Math.Max(pending.Length * 2, pendingLength + bytes.Length));
        bytes.CopyTo(pending.AsSpan(pendingLength));
        pendingLength += bytes.Length;
    }
}
