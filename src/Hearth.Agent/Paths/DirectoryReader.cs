using System.Text;
using Hearth.Agent.Interop;

namespace Hearth.Agent.Paths;

/// <summary>
/// Reads a directory descriptor (opened O_RDONLY|O_DIRECTORY) with getdents64(2), skipping
/// <c>.</c> and <c>..</c>. Names keep their raw bytes, so a name that is not UTF-8 can still be
/// opened or removed; <see cref="DirectoryEntry.Name"/> is its lossy text. The reader moves the
/// descriptor's file offset: one reader per open directory at a time.
/// </summary>
internal sealed unsafe class DirectoryReader(int directory, string path)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _position;
    private int _length;

    public DirectoryReader(Fd directory, string path)
        : this(directory.Value, path)
    {
    }

    /// <summary>
    /// Every entry of the directory open as <paramref name="dirFd"/>, read through a file
    /// description of its own (so the caller's offset does not move); as many as could be read
    /// when the directory becomes unreadable (removed meanwhile), none if it cannot be opened.
    /// </summary>
    public static List<DirectoryEntry> ReadAll(int dirFd)
    {
        var entries = new List<DirectoryEntry>();
        var fd = Libc.OpenAt(dirFd, ".", Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return entries;
        try
        {
            var reader = new DirectoryReader(fd, ".");
            while (reader.TryNext(out var entry, out _)) entries.Add(entry);
        }
        finally
        {
            Libc.Close(fd);
        }
        return entries;
    }

    /// <summary>The next entry, or false at the end of the directory.</summary>
    public bool Next(out DirectoryEntry entry)
    {
        if (TryNext(out entry, out var errno)) return true;
        if (errno != 0) throw FileErrors.From(errno, path);
        return false;
    }

    /// <summary>The next entry, or false at the end of the directory (<paramref name="errno"/> 0) or on an error.</summary>
    private bool TryNext(out DirectoryEntry entry, out int errno)
    {
        errno = 0;
        while (true)
        {
            if (_position >= _length)
            {
                nint n;
                fixed (byte* p = _buffer) n = Libc.GetDents64(directory, p, (nuint)_buffer.Length);
                if (n <= 0)
                {
                    if (n < 0) errno = Libc.Errno;
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
        if (Libc.Rewind(directory) != 0) throw FileErrors.Last(path);
        _position = _length = 0;
    }
}
