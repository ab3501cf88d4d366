using System.Text;

namespace Hearth.Agent.Files;

/// <summary>One entry of a directory: its name as the kernel has it (NUL-terminated) and as text, and its d_type.</summary>
internal readonly record struct DirectoryEntry(byte[] RawName, string Name, byte Type);

/// <summary>
/// Reads a directory descriptor (opened O_RDONLY|O_DIRECTORY) with getdents64(2), skipping
/// <c>.</c> and <c>..</c>. Names keep their raw bytes, so a name that is not UTF-8 can still be
/// opened or removed; <see cref="DirectoryEntry.Name"/> is its lossy text.
/// </summary>
internal sealed unsafe class DirectoryReader(Fd directory, string path)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _position;
    private int _length;

    /// <summary>The next entry, or false at the end of the directory.</summary>
    public bool Next(out DirectoryEntry entry)
    {
        while (true)
        {
            if (_position >= _length)
            {
                nint n;
                fixed (byte* p = _buffer) n = FileCalls.GetDents64(directory.Value, p, (nuint)_buffer.Length);
                if (n < 0) throw FileErrors.Last(path);
                if (n == 0)
                {
                    entry = default;
                    return false;
                }

                _length = (int)n;
                _position = 0;
            }

            // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[].
            var record = _buffer.AsSpan(_position);
            var length = BitConverter.ToUInt16(record[16..18]);
            var type = record[18];
            var name = record[19..length];
            name = name[..name.IndexOf((byte)0)];
            _position += length;
            if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8)) continue;
            var raw = new byte[name.Length + 1];
            name.CopyTo(raw);
            entry = new DirectoryEntry(raw, Encoding.UTF8.GetString(name), type);
            return true;
        }
    }

    /// <summary>Starts again from the first entry (after entries were removed while reading).</summary>
    public void Rewind()
    {
        if (FileCalls.Rewind(directory.Value) != 0) throw FileErrors.Last(path);
        _position = _length = 0;
    }
}
