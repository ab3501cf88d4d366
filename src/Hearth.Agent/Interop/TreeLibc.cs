using System.Runtime.InteropServices;

namespace Hearth.Agent.Interop;

/// <summary>
/// The calls that walk and watch a directory tree by descriptor (openat2, openat, readdir,
/// inotify): the watchers and the searches. Values are Linux x86_64/aarch64 (asm-generic and
/// glibc headers); the man page beside each call is its contract.
/// </summary>
internal static unsafe partial class TreeLibc
{
    private const string Lib = "libc";

    // errno values, asm-generic/errno-base.h and errno.h.
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int EMFILE = 24;
    public const int ENOSPC = 28;
    public const int ENAMETOOLONG = 36;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;

    // open(2) flags, asm-generic/fcntl.h.
    public const int O_RDONLY = 0x0;
    public const int O_NONBLOCK = 0x800;
    public const int O_DIRECTORY = 0x10000;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;
    public const int O_PATH = 0x200000;

    /// <summary>openat2(2) <c>resolve</c>: no magic links (/proc/*/fd); "/" and ".." stay beneath dirfd.</summary>
    public const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    /// <summary>openat2(2): no symbolic links at all.</summary>
    public const ulong RESOLVE_NO_SYMLINKS = 0x04;
    /// <summary>openat2(2): resolve as if dirfd were the root (chroot-like): absolute symlinks and ".." stay inside.</summary>
    public const ulong RESOLVE_IN_ROOT = 0x10;

    private const long SYS_openat2 = 437;

    // st_mode types, sys/stat.h.
    public const uint S_IFMT = 0xF000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFREG = 0x8000;

    // d_type, dirent.h.
    public const byte DT_UNKNOWN = 0;
    public const byte DT_DIR = 4;
    public const byte DT_REG = 8;
    public const byte DT_LNK = 10;

    // inotify(7), sys/inotify.h.
    public const uint IN_MODIFY = 0x2;
    public const uint IN_ATTRIB = 0x4;
    public const uint IN_CLOSE_WRITE = 0x8;
    public const uint IN_MOVED_FROM = 0x40;
    public const uint IN_MOVED_TO = 0x80;
    public const uint IN_CREATE = 0x100;
    public const uint IN_DELETE = 0x200;
    public const uint IN_DELETE_SELF = 0x400;
    public const uint IN_MOVE_SELF = 0x800;
    public const uint IN_UNMOUNT = 0x2000;
    public const uint IN_Q_OVERFLOW = 0x4000;
    public const uint IN_IGNORED = 0x8000;
    public const uint IN_ONLYDIR = 0x1000000;
    public const uint IN_EXCL_UNLINK = 0x4000000;
    public const uint IN_ISDIR = 0x40000000;
    public const int IN_NONBLOCK = O_NONBLOCK;
    public const int IN_CLOEXEC = O_CLOEXEC;

    /// <summary><c>struct open_how</c> of openat2(2).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>The head of glibc's <c>struct dirent</c> on 64-bit Linux (readdir(3)); <c>d_name</c> follows at offset 19.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DirEnt
    {
        public ulong Inode;
        public long Offset;
        public ushort RecordLength;
        public byte Type;
    }

    /// <summary>Offset of <c>d_name</c> in <see cref="DirEnt"/>.</summary>
    public const int DirEntNameOffset = 19;

    /// <summary>
    /// syscall(2), for openat2 (glibc 2.36 has no wrapper). Variadic in C; x86_64 and aarch64
    /// pass these integer arguments as they pass fixed ones.
    /// </summary>
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, nint a1, nint a2, nint a3, nint a4);

    /// <summary>openat2(2): a descriptor or -1 with errno (E2BIG, EXDEV for an escape, ELOOP, ENOSYS on kernels before 5.6).</summary>
    public static int OpenAt2(int dirFd, string path, ulong flags, ulong resolve)
    {
        var how = new OpenHow { Flags = flags, Resolve = resolve };
        var pathPtr = Marshal.StringToCoTaskMemUTF8(path);
        try
        {
            return (int)Syscall(SYS_openat2, dirFd, pathPtr, (nint)(&how), sizeof(OpenHow));
        }
        finally
        {
            Marshal.FreeCoTaskMem(pathPtr);
        }
    }

    /// <summary>openat(2) relative to <paramref name="dirFd"/> (AT_FDCWD is -100).</summary>
    [LibraryImport(Lib, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int dirFd, string path, int flags, uint mode);

    /// <summary>close(2).</summary>
    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>read(2).</summary>
    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    /// <summary>write(2).</summary>
    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    /// <summary>fcntl(2) with an int argument.</summary>
    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    /// <summary>fstat(2) into a buffer of at least <see cref="StatSize"/> bytes.</summary>
    [LibraryImport(Lib, EntryPoint = "fstat", SetLastError = true)]
    private static partial int Fstat(int fd, byte* buffer);

    /// <summary>struct stat is 144 bytes on x86_64 (st_mode: u32 at 24) and 128 on aarch64 (st_mode: u32 at 16).</summary>
    private const int StatSize = 144;

    private static int ModeOffset => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? 16 : 24;

    /// <summary>The st_mode of an open descriptor, or 0 if fstat fails.</summary>
    public static uint FstatMode(int fd)
    {
        var buffer = stackalloc byte[StatSize];
        return Fstat(fd, buffer) == 0 ? *(uint*)(buffer + ModeOffset) : 0;
    }

    /// <summary>readlink(2) of <paramref name="path"/>; null on failure.</summary>
    public static string? ReadLink(string path)
    {
        const int Size = 4096;
        var buffer = stackalloc byte[Size];
        var pathPtr = Marshal.StringToCoTaskMemUTF8(path);
        try
        {
            var length = ReadLinkRaw((byte*)pathPtr, buffer, Size);
            return length is < 0 or >= Size ? null : System.Text.Encoding.UTF8.GetString(buffer, (int)length);
        }
        finally
        {
            Marshal.FreeCoTaskMem(pathPtr);
        }
    }

    [LibraryImport(Lib, EntryPoint = "readlink", SetLastError = true)]
    private static partial nint ReadLinkRaw(byte* path, byte* buffer, nuint size);

    /// <summary>fdopendir(3): the stream owns <paramref name="fd"/> from now on (closedir closes it).</summary>
    [LibraryImport(Lib, EntryPoint = "fdopendir", SetLastError = true)]
    public static partial nint FdOpenDir(int fd);

    /// <summary>readdir(3): the next entry, or null at the end (errno unchanged) or on error.</summary>
    [LibraryImport(Lib, EntryPoint = "readdir", SetLastError = true)]
    public static partial DirEnt* ReadDir(nint directory);

    /// <summary>closedir(3).</summary>
    [LibraryImport(Lib, EntryPoint = "closedir", SetLastError = true)]
    public static partial int CloseDir(nint directory);

    /// <summary>inotify_init1(2).</summary>
    [LibraryImport(Lib, EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int InotifyInit1(int flags);

    /// <summary>inotify_add_watch(2): the watch descriptor (the same one again for a directory already watched), or -1.</summary>
    [LibraryImport(Lib, EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int InotifyAddWatch(int fd, string path, uint mask);

    /// <summary>inotify_rm_watch(2); the kernel then queues IN_IGNORED for the descriptor.</summary>
    [LibraryImport(Lib, EntryPoint = "inotify_rm_watch", SetLastError = true)]
    public static partial int InotifyRmWatch(int fd, int watchDescriptor);

    /// <summary>eventfd(2).</summary>
    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    /// <summary>poll(2).</summary>
    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    /// <summary>strerror(3)-style text for an errno value.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
