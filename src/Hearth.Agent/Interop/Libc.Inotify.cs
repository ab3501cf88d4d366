using System.Runtime.InteropServices;

namespace Hearth.Agent.Interop;

/// <summary>The libc calls and constants for watching directories (inotify(7)).</summary>
internal static partial class Libc
{
    // inotify(7), sys/inotify.h.
    public const uint IN_MODIFY = 0x2;
    public const uint IN_CLOSE_WRITE = 0x8;
    public const uint IN_MOVED_FROM = 0x40;
    public const uint IN_MOVED_TO = 0x80;
    public const uint IN_CREATE = 0x100;
    public const uint IN_DELETE = 0x200;
    public const uint IN_DELETE_SELF = 0x400;
    public const uint IN_MOVE_SELF = 0x800;
    public const uint IN_Q_OVERFLOW = 0x4000;
    public const uint IN_IGNORED = 0x8000;
    public const uint IN_ONLYDIR = 0x1000000;
    public const uint IN_EXCL_UNLINK = 0x4000000;
    public const uint IN_ISDIR = 0x40000000;
    public const int IN_NONBLOCK = O_NONBLOCK;
    public const int IN_CLOEXEC = O_CLOEXEC;

    /// <summary>inotify_init1(2).</summary>
    [LibraryImport(Lib, EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int InotifyInit1(int flags);

    /// <summary>inotify_add_watch(2): the watch descriptor (the same one again for a directory already watched), or -1.</summary>
    [LibraryImport(Lib, EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int InotifyAddWatch(int fd, string path, uint mask);

    /// <summary>inotify_rm_watch(2); the kernel then queues IN_IGNORED for the descriptor.</summary>
    [LibraryImport(Lib, EntryPoint = "inotify_rm_watch", SetLastError = true)]
    public static partial int InotifyRmWatch(int fd, int watchDescriptor);
}
