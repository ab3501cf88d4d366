namespace Hearth.Server.RuntimeApi.Terminals;

/// <summary>
/// A terminal's recent output: a ring of at most <see cref="Capacity"/> bytes, addressed by
/// absolute positions (bytes since the terminal started), so each reader keeps its own cursor
/// and can tell when it fell behind what the ring still holds.
/// </summary>
/// <remarks>
/// Invariant: the ring holds the bytes at positions <see cref="Start"/> to <see cref="End"/>,
/// <c>End - Start &lt;= Capacity</c>, and the byte at position p sits at index
/// <c>p % Capacity</c>. Appended by the terminal's pump, read by sockets and the scrollback
/// endpoint: every member takes the lock, none holds it for more than a copy.
/// </remarks>
internal sealed class ScrollbackRing
{
    /// <summary>The ring size when none is asked for (and for <c>scrollback_size: 0</c>).</summary>
    public const int DefaultSize = 64 * 1024;

    /// <summary>The largest ring size a terminal may ask for.</summary>
    public const int MaxSize = 256 * 1024;

    private readonly object gate = new();
    private byte[] buffer;
    private long start;
    private long end;

    public ScrollbackRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        buffer = new byte[capacity];
    }

    public int Capacity
    {
        get { lock (gate) return buffer.Length; }
    }

    /// <summary>The position of the oldest byte held.</summary>
    public long Start
    {
        get { lock (gate) return start; }
    }

    /// <summary>The position after the newest byte: every byte the terminal has written.</summary>
    public long End
    {
        get { lock (gate) return end; }
    }

    /// <summary>Adds output; the oldest bytes make room.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        lock (gate)
        {
            var capacity = buffer.Length;
            end += data.Length;
            // Only the last Capacity bytes can be kept.
            if (data.Length > capacity) data = data[^capacity..];
            Write(end - data.Length, data);
            start = Math.Max(start, end - capacity);
        }
    }

    /// <summary>
    /// Copies bytes from <paramref name="position"/> into <paramref name="destination"/> and
    /// advances the position; returns how many. A position older than <see cref="Start"/> first
    /// moves up to it (<paramref name="skipped"/>: those bytes are gone).
    /// </summary>
    public int Read(ref long position, Span<byte> destination, out long skipped)
    {
        lock (gate)
        {
            skipped = Math.Max(0, start - position);
            position += skipped;
            var count = (int)Math.Min(destination.Length, end - position);
            if (count <= 0) return 0;
            Copy(position, destination[..count]);
            position += count;
            return count;
        }
    }

    /// <summary>The newest <paramref name="maxBytes"/> bytes held (all of them if fewer).</summary>
    public byte[] Tail(int maxBytes)
    {
        lock (gate)
        {
            var count = (int)Math.Min(maxBytes, end - start);
            var tail = new byte[count];
            Copy(end - count, tail);
            return tail;
        }
    }

    /// <summary>Changes the size, keeping the newest bytes that fit.</summary>
    public void Resize(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        lock (gate)
        {
            var kept = Tail(capacity);
            buffer = new byte[capacity];
            start = end - kept.Length;
            Write(start, kept);
        }
    }

    /// <summary>Forgets what is held; positions go on from <see cref="End"/>.</summary>
    public void Clear()
    {
        lock (gate) start = end;
    }

    private void Write(long position, ReadOnlySpan<byte> data)
    {
        var index = (int)(position % buffer.Length);
        var first = Math.Min(data.Length, buffer.Length - index);
        data[..first].CopyTo(buffer.AsSpan(index));
        data[first..].CopyTo(buffer);
    }

    private void Copy(long position, Span<byte> destination)
    {
        if (destination.IsEmpty) return;
        var index = (int)(position % buffer.Length);
        var first = Math.Min(destination.Length, buffer.Length - index);
        buffer.AsSpan(index, first).CopyTo(destination);
        buffer.AsSpan(0, destination.Length - first).CopyTo(destination[first..]);
    }
}
