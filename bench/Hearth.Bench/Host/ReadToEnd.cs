namespace Hearth.Bench.Host;

/// <summary>
/// Reads a stream to its end into a buffer allocated once for the whole run, so that a timed
/// read of 64 MiB does not also time the allocation (and zeroing) of a new array.
/// </summary>
internal static class ReadToEnd
{
    /// <summary>Reads <paramref name="stream"/> to its end into <paramref name="buffer"/> (or drains it when null); returns the length read.</summary>
    public static async Task<int> IntoAsync(Stream stream, byte[]? buffer, CancellationToken cancellationToken = default)
    {
        if (buffer is null)
        {
            await stream.CopyToAsync(Stream.Null, cancellationToken);
            return 0;
        }

        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (await stream.ReadAsync(new byte[1], cancellationToken) == 0) return length;
                throw new BenchException($"more than {buffer.Length} bytes to read");
            }

            var n = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (n == 0) return length;
            length += n;
        }
    }
}
