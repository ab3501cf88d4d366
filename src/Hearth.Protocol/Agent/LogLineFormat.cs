namespace Hearth.Protocol.Agent;

/// <summary>
/// The layout of a stored log line (docs/design/workloads.md, "Logs"), written by the agent and
/// parsed by hearthd: <c>2026-11-29T18:00:00.123Z o text\n</c>.
/// </summary>
public static class LogLineFormat
{
    /// <summary>The UTC timestamp's length: <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    public const int TimestampLength = 24;

    /// <summary>The timestamp's format string.</summary>
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    /// <summary>Bytes before the text: the timestamp, a space, the stream letter, a space.</summary>
    public const int PrefixLength = TimestampLength + 3;

    /// <summary>The stream letter of a process's stdout.</summary>
    public const byte Stdout = (byte)'o';

    /// <summary>The stream letter of a process's stderr.</summary>
    public const byte Stderr = (byte)'e';

    /// <summary>The stream letter of the agent's own notes (started, exited, restarting).</summary>
    public const byte System = (byte)'s';

    /// <summary>The name the API gives a stream letter (<c>stdout</c>, <c>stderr</c>, <c>system</c>); null for another byte.</summary>
    public static string? StreamName(byte letter) => letter switch
    {
        Stdout => "stdout",
        Stderr => "stderr",
        System => "system",
        _ => null,
    };
}
