namespace Hearth.Agent.Watch;

/// <summary>
/// Collapses the changes of one path within a window (50 ms from its first change) into one,
/// and hands them out in the order their windows close. The last change wins, except that a
/// write does not replace a pending create: a new file's first content is part of its
/// creation, and "create" is what a client needs to hear.
/// </summary>
internal sealed class Debouncer(int windowMilliseconds)
{
    private readonly Dictionary<string, string> _pending = new(StringComparer.Ordinal);
    private readonly Queue<(string Path, long Due)> _order = new();

    public void Add(string path, string op, long now)
    {
        if (_pending.TryGetValue(path, out var previous))
        {
            _pending[path] = previous == "create" && op == "write" ? "create" : op;
            return;
        }
        _pending[path] = op;
        _order.Enqueue((path, now + windowMilliseconds));
    }

    /// <summary>Milliseconds until the next window closes; -1 with nothing pending (poll(2) waits forever).</summary>
    public int Timeout(long now) => _order.TryPeek(out var first) ? (int)Math.Clamp(first.Due - now, 0, int.MaxValue) : -1;

    /// <summary>The changes whose window has closed by <paramref name="now"/> (all with <see cref="long.MaxValue"/>).</summary>
    public IEnumerable<(string Path, string Op)> TakeDue(long now)
    {
        while (_order.TryPeek(out var first) && first.Due <= now)
        {
            _order.Dequeue();
            if (_pending.Remove(first.Path, out var op)) yield return (first.Path, op);
        }
    }
}
