namespace Hearth.Bench.Measurement;

/// <summary>
/// The host's wall clock (CLOCK_REALTIME, which workspaces share: Hearth gives them no time
/// namespace) in microseconds since the Unix epoch, the unit the stamped lines carry.
/// </summary>
internal static class UnixClock
{
    public static long NowMicros() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / (TimeSpan.TicksPerMillisecond / 1000);
}
