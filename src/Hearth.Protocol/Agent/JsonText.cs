namespace Hearth.Protocol.Agent;

/// <summary>
/// Escapes UTF-8 text for a JSON string a piece at a time (RFC 8259 §7), for file contents that
/// are streamed into a JSON document instead of being held whole. Only <c>"</c>, <c>\</c> and
/// control characters change; every other byte passes as it is, so a multi-byte sequence split
/// between two pieces is still copied correctly.
/// </summary>
public static class JsonText
{
    /// <summary>The most bytes one input byte becomes (<c>\u001f</c>).</summary>
    public const int MaxExpansion = 6;

    /// <summary>
    /// Writes <paramref name="text"/> escaped into <paramref name="destination"/> (at least
    /// <see cref="MaxExpansion"/> times as long) and returns how many bytes it wrote.
    /// </summary>
    public static int Escape(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        var written = 0;
        while (!text.IsEmpty)
        {
            var plain = text.IndexOfAnyInRange((byte)0, (byte)0x1F);
            var quote = text.IndexOfAny((byte)'"', (byte)'\\');
            var stop = plain < 0 ? quote : quote < 0 ? plain : Math.Min(plain, quote);
            if (stop < 0) stop = text.Length;
            text[..stop].CopyTo(destination[written..]);
            written += stop;
            if (stop == text.Length) break;
            written += EscapeByte(text[stop], destination[written..]);
            text = text[(stop + 1)..];
        }

        return written;
    }

    private static int EscapeByte(byte b, Span<byte> destination)
    {
        destination[0] = (byte)'\\';
        byte? shortForm = b switch
        {
            (byte)'"' => (byte)'"',
            (byte)'\\' => (byte)'\\',
            (byte)'\n' => (byte)'n',
            (byte)'\r' => (byte)'r',
            (byte)'\t' => (byte)'t',
            (byte)'\b' => (byte)'b',
            (byte)'\f' => (byte)'f',
            _ => null,
        };
        if (shortForm is { } s)
        {
            destination[1] = s;
            return 2;
        }

        "u00"u8.CopyTo(destination[1..]);
        destination[4] = Hex(b >> 4);
        destination[5] = Hex(b & 0xF);
        return 6;
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
