using System.Text;

namespace Hearth.Server.RuntimeApi.Files;

/// <summary>
/// Unescapes a JSON string's body in place (RFC 8259 §7). The UTF-8 of an escape is never
/// longer than the escape (<c>\uXXXX</c> is six bytes for at most three, a surrogate pair
/// twelve for four), so the output never overtakes the input and a large file's content needs
/// no second buffer. The input must be a string token the JSON reader has already validated.
/// </summary>
internal static class JsonUnescape
{
    /// <summary>Unescapes <paramref name="text"/> where it is and returns the new length. A lone surrogate becomes U+FFFD.</summary>
    public static int InPlace(Span<byte> text)
    {
        var read = text.IndexOf((byte)'\\');
        if (read < 0) return text.Length;
        var write = read;
        while (read < text.Length)
        {
            var b = text[read];
            if (b != '\\')
            {
                text[write++] = b;
                read++;
                continue;
            }

            var kind = text[read + 1];
            read += 2;
            switch (kind)
            {
                case (byte)'n': text[write++] = (byte)'\n'; break;
                case (byte)'r': text[write++] = (byte)'\r'; break;
                case (byte)'t': text[write++] = (byte)'\t'; break;
                case (byte)'b': text[write++] = (byte)'\b'; break;
                case (byte)'f': text[write++] = (byte)'\f'; break;
                case (byte)'u':
                    var unit = Hex(text.Slice(read, 4));
                    read += 4;
                    var rune = new Rune(0xFFFD);
                    if (char.IsHighSurrogate((char)unit) && read + 6 <= text.Length && text[read] == '\\' && text[read + 1] == 'u'
                        && Hex(text.Slice(read + 2, 4)) is var low && char.IsLowSurrogate((char)low))
                    {
                        rune = new Rune((char)unit, (char)low);
                        read += 6;
                    }
                    else if (!char.IsSurrogate((char)unit))
                    {
                        rune = new Rune(unit);
                    }

                    write += rune.EncodeToUtf8(text[write..]);
                    break;
                default: text[write++] = kind; break; // \" \\ \/
            }
        }

        return write;
    }

    private static int Hex(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var d in digits)
            value = (value << 4) | (d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10);
        return value;
    }
}
