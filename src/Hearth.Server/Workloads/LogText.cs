using System.Globalization;
using System.Text;
using Hearth.Protocol.Workloads;

namespace Hearth.Server.Workloads;

/// <summary>The text form of log lines (<c>logs</c>, <c>content</c>): <c>[2026-11-29T18:00:00.123Z] stdout: text</c>, one per line, as Oblien's.</summary>
internal static class LogText
{
    public static string Timestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Format(IEnumerable<LogEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var entry in entries)
            text.Append('[').Append(Timestamp(entry.Timestamp)).Append("] ").Append(entry.Stream).Append(": ").Append(entry.Line).Append('\n');
        return text.ToString();
    }
}
