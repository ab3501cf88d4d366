using System.Text;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Logs;

/// <summary>
/// The line format of every log (docs/design/workloads.md): a 24-character UTC timestamp, a
/// space, the stream (<see cref="Stdout"/>, <see cref="Stderr"/>, <see cref="System"/>), a space,
/// the text and a newline. hearthd parses the same layout (Workloads/LogLineParser).
/// </summary>
internal static class LogLine
{
    public const byte Stdout = LogLineFormat.Stdout;
    public const byte Stderr = LogLineFormat.Stderr;
    public const byte System = LogLineFormat.System;

    /// <summary>Bytes before the text: <c>2026-11-29T18:00:00.123Z o </c>.</summary>
    public const int PrefixLength = LogLineFormat.PrefixLength;

    /// <summary>A longer line is cut into lines of this many bytes.</summary>
    public const int MaxText = 16 * 1024;

    /// <summary>Writes the prefix for <paramref name="time"/> and <paramref name="stream"/> into <paramref name="destination"/> (27 bytes).</summary>
    public static void WritePrefix(Span<byte> destination, DateTime time, byte stream)
    {
        time.ToUniversalTime().TryFormat(destination, out _, LogLineFormat.TimestampFormat, global::System.Globalization.CultureInfo.InvariantCulture);
        destination[LogLineFormat.TimestampLength] = (byte)' ';
        destination[LogLineFormat.TimestampLength + 1] = stream;
        destination[LogLineFormat.TimestampLength + 2] = (byte)' ';
    }

    /// <summary>One whole line for a note of the agent's own; newlines in it become spaces.</summary>
    public static byte[] Format(DateTime time, byte stream, string text)
    {
        var body = Encoding.UTF8.GetBytes(text.ReplaceLineEndings(" "));
        var length = Math.Min(body.Length, MaxText);
        var line = new byte[PrefixLength + length + 1];
        WritePrefix(line, time, stream);
        body.AsSpan(0, length).CopyTo(line.AsSpan(PrefixLength));
        line[^1] = (byte)'\n';
        return line;
    }
}
