namespace Hearth.Bench.Scenarios;

/// <summary>One Server-Sent Event as <see cref="SseReader"/> read it: its name (null: none), data, when it was read (<see cref="Measurement.UnixClock"/>) and its size on the wire.</summary>
internal readonly record struct SseEvent(string? Name, string Data, long ReceivedMicros, int WireBytes);
