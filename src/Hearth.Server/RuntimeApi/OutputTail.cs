namespace Hearth.Server.RuntimeApi;

/// <summary>
/// The last <see cref="Limit"/> bytes of an output stream, kept as the chunks that arrived (no
/// copying on append): the end of a long output is what a caller needs most, and a task that
/// writes gigabytes costs the same memory as one that writes ten mebibytes.
/// </summary>
internal sealed class OutputTail(int limit)
{
    private readonly Queue<ReadOnlyMemory<byte>> chunks = new();
    private int headOffset;

    public int Limit { get; } = limit;

    /// <summary>Bytes held (at most <see cref="Limit"/>).</summary>
    public long Length { get; private set; }

    public void Append(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        chunks.Enqueue(bytes);
        Length += bytes.Length;
        while (Length > Limit)
        {
            var head = chunks.Peek();
            var drop = (int)Math.Min(Length - Limit, head.Length - headOffset);
            headOffset += drop;
            Length -= drop;
            if (headOffset == head.Length)
            {
                chunks.Dequeue();
                headOffset = 0;
            }
        }
    }

    public byte[] ToArray()
    {
        var result = new byte[Length];
        var at = 0;
        var offset = headOffset;
        foreach (var chunk in chunks)
        {
            chunk.Span[offset..].CopyTo(result.AsSpan(at));
            at += chunk.Length - offset;
            offset = 0;
        }
        return result;
    }
}
