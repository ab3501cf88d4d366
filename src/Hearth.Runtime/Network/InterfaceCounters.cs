namespace Hearth.Runtime.Network;

/// <summary>The byte counters of one network interface, as the kernel has them since the interface was made.</summary>
internal readonly record struct InterfaceCounters(long ReceivedBytes, long SentBytes)
{
    /// <summary>The counters of <paramref name="name"/> in a <c>/proc/net/dev</c> file; null when it lists no such interface.</summary>
    public static InterfaceCounters? Read(string procNetDev, string name)
    {
        try { return Parse(File.ReadAllText(procNetDev), name); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// Finds <paramref name="name"/> in the text of <c>/proc/net/dev</c>: two header lines, then
    /// <c>name: rx_bytes rx_packets ... (8 receive fields) tx_bytes ...</c> per interface
    /// (net/core/net-procfs.c, dev_seq_printf_stats).
    /// </summary>
    public static InterfaceCounters? Parse(string text, string name)
    {
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || line.AsSpan(0, colon).Trim().ToString() != name) continue;
            var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 9 || !long.TryParse(fields[0], out var received) || !long.TryParse(fields[8], out var sent))
                return null;
            return new InterfaceCounters(received, sent);
        }
        return null;
    }
}
