using Hearth.Bench.Measurement;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// The stamped lines (<see cref="StampedLines"/>) one path delivered over its rounds, which run
/// one at a time: each line's receive time minus its stamp (same host clock), in ms, and how
/// many of the lines expected came, and in order.
/// </summary>
internal sealed class LatencySeries(string name)
{
    private int roundLines, roundReceived, nextSequence;
    private long firstStamp, lastReceived;

    public Samples Latency { get; } = new(name);
    public int Expected { get; private set; }
    public int Received { get; private set; }
    /// <summary>Lines that came with a sequence number other than the next one of their round.</summary>
    public int OutOfOrder { get; private set; }
    /// <summary>Wall time of the rounds, each from its first stamp to its last line received, ms.</summary>
    public double SpanMs { get; private set; }

    public void BeginRound(int lines)
    {
        Expected += lines;
        (roundLines, roundReceived, nextSequence, firstStamp, lastReceived) = (lines, 0, 0, 0, 0);
    }

    /// <summary>Records <paramref name="line"/> if it is a stamped one; true once the round has all its lines.</summary>
    public bool Add(ReadOnlySpan<char> line, long receivedMicros)
    {
        if (!StampedLines.TryParse(line, out var sequence, out var stamp)) return roundReceived >= roundLines;
        Latency.Add((receivedMicros - stamp) / 1000.0);
        Received++;
        roundReceived++;
        if (sequence != nextSequence) OutOfOrder++;
        nextSequence = sequence + 1;
        if (firstStamp == 0) firstStamp = stamp;
        lastReceived = receivedMicros;
        return roundReceived >= roundLines;
    }

    public void EndRound()
    {
        if (firstStamp > 0) SpanMs += (lastReceived - firstStamp) / 1000.0;
    }
}
