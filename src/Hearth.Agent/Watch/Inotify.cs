using System.Runtime.InteropServices;
using System.Text;
using Hearth.Agent.Interop;
using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Watch;

/// <summary>One inotify event (inotify(7)): the watch it came from, what happened, and the entry's name in that directory.</summary>
internal readonly record struct InotifyEvent(int Watch, uint Mask, string? Name);

/// <summary>An inotify instance (inotify(7)), non-blocking, with one watch per directory.</summary>
internal sealed unsafe class Inotify : IDisposable
{
    /// <summary>
    /// What a directory's watch reports: entries created, deleted, written (IN_MODIFY while it
    /// happens, IN_CLOSE_WRITE at the end) and moved in or out, and the directory's own end.
    /// IN_EXCL_UNLINK: a file deleted while still open stops reporting writes.
    /// </summary>
    private const uint Mask = Libc.IN_CREATE | Libc.IN_DELETE | Libc.IN_MODIFY | Libc.IN_CLOSE_WRITE
        | Libc.IN_MOVED_FROM | Libc.IN_MOVED_TO | Libc.IN_DELETE_SELF | Libc.IN_MOVE_SELF
        | Libc.IN_ONLYDIR | Libc.IN_EXCL_UNLINK;

    /// <summary>Room for many events; one needs at most 16 bytes + NAME_MAX + 1.</summary>
    private const int BufferSize = 64 * 1024;

    private readonly byte[] _buffer = new byte[BufferSize];

    private Inotify(int fd) => Fd = fd;

    public int Fd { get; private set; }

    public static Inotify Create()
    {
        var fd = Libc.InotifyInit1(Libc.IN_NONBLOCK | Libc.IN_CLOEXEC);
        if (fd >= 0) return new Inotify(fd);
        var errno = Marshal.GetLastPInvokeError();
        throw errno == Libc.EMFILE
            ? new OperationException("unavailable", "the workspace has no inotify instance left (fs.inotify.max_user_instances); delete a watcher")
            : new OperationException("io_error", $"inotify_init1: {Libc.Describe(errno)}");
    }

    /// <summary>Watches the directory open as <paramref name="dirFd"/>; the watch descriptor, or -1 with <paramref name="errno"/> (ENOSPC: the user's watch limit).</summary>
    public int Add(int dirFd, out int errno)
    {
        // inotify_add_watch takes a path; the descriptor's magic link names exactly the directory
        // that was opened, whatever happened to its path since.
        var watch = Libc.InotifyAddWatch(Fd, $"/proc/self/fd/{dirFd}", Mask);
        errno = watch < 0 ? Marshal.GetLastPInvokeError() : 0;
        return watch;
    }

    public void Remove(int watch) => Libc.InotifyRmWatch(Fd, watch);

    /// <summary>Reads every event queued now into <paramref name="events"/>.</summary>
    public void Read(List<InotifyEvent> events)
    {
        while (true)
        {
            nint count;
            fixed (byte* pointer = _buffer)
                count = Libc.Read(Fd, pointer, BufferSize);
            if (count < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR) continue;
                if (errno == Libc.EAGAIN) return;
                throw new OperationException("io_error", $"read inotify: {Libc.Describe(errno)}");
            }
            if (count == 0) return;
            Parse(_buffer.AsSpan(0, (int)count), events);
        }
    }

    /// <summary>struct inotify_event: int wd, u32 mask, u32 cookie, u32 len, then len bytes of NUL-padded name.</summary>
    private static void Parse(ReadOnlySpan<byte> data, List<InotifyEvent> events)
    {
        const int Header = 16;
        while (data.Length >= Header)
        {
            var watch = MemoryMarshal.Read<int>(data);
            var mask = MemoryMarshal.Read<uint>(data[4..]);
            var length = (int)MemoryMarshal.Read<uint>(data[12..]);
            if (data.Length < Header + length) return;
            string? name = null;
            if (length > 0)
            {
                var raw = data.Slice(Header, length);
                var end = raw.IndexOf((byte)0);
                name = Encoding.UTF8.GetString(end < 0 ? raw : raw[..end]);
            }
            events.Add(new InotifyEvent(watch, mask, name));
            data = data[(Header + length)..];
        }
    }

    public void Dispose()
    {
        if (Fd < 0) return;
        Libc.Close(Fd);
        Fd = -1;
    }
}
