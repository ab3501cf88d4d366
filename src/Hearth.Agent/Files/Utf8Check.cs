using System.Text.Unicode;

namespace Hearth.Agent.Files;

/// <summary>
/// Validates UTF-8 that arrives in chunks: a sequence cut by a chunk boundary is carried over
/// to the next chunk instead of counting as invalid.
/// </summary>
internal sealed class Utf8Check
{
    private readonly byte[] _carry = new byte[4];
    private int _carried;

    public bool Valid { get; private set; } = true;

    /// <summary>Whether everything appended is valid UTF-8 and no sequence is left unfinished.</summary>
    public bool Finish() => Valid && _carried == 0;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (!Valid) return;
        if (_carried > 0)
        {
            var need = SequenceLength(_carry[0]);
            var take = Math.Min(need - _carried, data.Length);
            data[..take].CopyTo(_carry.AsSpan(_carried));
            _carried += take;
            data = data[take..];
            if (_carried < need) return;
            Valid = Utf8.IsValid(_carry.AsSpan(0, need));
            _carried = 0;
            if (!Valid) return;
        }

        var tail = IncompleteTail(data);
        Valid = Utf8.IsValid(data[..^tail]);
        data[^tail..].CopyTo(_carry);
        _carried = tail;
    }

    /// <summary>How many bytes at the end start a sequence that needs more bytes than the chunk has.</summary>
    private static int IncompleteTail(ReadOnlySpan<byte> data)
    {
        for (var i = 1; i <= Math.Min(3, data.Length); i++)
        {
            var b = data[^i];
            if ((b & 0xC0) == 0x80) continue;
            return SequenceLength(b) > i ? i : 0;
        }

        return 0;
    }

    private static int SequenceLength(byte lead) => lead switch
    {
        >= 0xC2 and <= 0xDF => 2,
        >= 0xE0 and <= 0xEF => 3,
        >= 0xF0 and <= 0xF4 => 4,
        _ => 0,
    };
}
