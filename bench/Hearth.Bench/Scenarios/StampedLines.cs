using System.Globalization;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// A busybox script that prints lines stamped with the wall clock, <c>lat SEQ SECONDS.MICROS</c>,
/// one about every 10 ms. busybox's <c>date</c> has no <c>%N</c>, and its <c>adjtimex</c> is
/// refused in a workspace (glibc makes adjtimex(3) a clock_adjtime(2), which the seccomp profile
/// blocks, as Docker's does), so the stamp is <c>ts %.s</c>'s (gettimeofday, microseconds) for an
/// empty line: ts reads it, prints the time and exits, and the shell writes the line at once.
/// The time from the stamp to the line's write (ts exiting, the shell reading it) is in every
/// path's figures alike; the <c>crun exec</c> pipe shows how much it is.
/// </summary>
internal static class StampedLines
{
    public const string Prefix = "lat ";

    public static string Script(int count) =>
        $"i=0; while [ $i -lt {count} ]; do echo \"lat $i $(echo | ts %.s)\"; usleep 10000; i=$((i+1)); done";

    /// <summary>The sequence number and stamp (µs since the epoch) of a <c>lat SEQ SECONDS.MICROS</c> line; false for any other line.</summary>
    public static bool TryParse(ReadOnlySpan<char> line, out int sequence, out long micros)
    {
        (sequence, micros) = (0, 0);
        if (!line.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var rest = line[Prefix.Length..];
        var space = rest.IndexOf(' ');
        if (space <= 0 || !int.TryParse(rest[..space], NumberStyles.None, CultureInfo.InvariantCulture, out sequence)) return false;
        var stamp = rest[(space + 1)..].Trim();
        var dot = stamp.IndexOf('.');
        if (dot <= 0 || stamp.Length - dot - 1 != 6
            || !long.TryParse(stamp[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !long.TryParse(stamp[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var fraction))
            return false;
        micros = seconds * 1_000_000 + fraction;
        return true;
    }
}
