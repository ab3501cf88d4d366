using System.Runtime.InteropServices;

namespace Hearth.Runtime.Interop;

/// <summary>
/// The descriptor-relative calls that write an image layer (the *at(2) family, openat2(2),
/// mknodat(2), fsetxattr(2)). Each wraps one call; its man page is the contract. Every call takes
/// a directory descriptor and a single name, so no path is ever resolved through a symlink.
/// Open flags are x86_64's (asm-generic/fcntl.h), like the rest of the runtime.
/// </summary>
internal static unsafe partial class LayerSyscalls
{
    private const string Lib = "libc";

    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EXDEV = 18;
    public const int ELOOP = 40;

    public const int O_RDONLY = 0x0;
    public const int O_WRONLY = 0x1;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_DIRECTORY = 0x10000;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;
    public const int O_PATH = 0x200000;

    // openat2(2) resolve flags, linux/openat2.h.
    public const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    public const ulong RESOLVE_NO_SYMLINKS = 0x04;
    public const ulong RESOLVE_BENEATH = 0x08;

    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_REMOVEDIR = 0x200;

    // File types in st_mode, inode(7).
    public const int S_IFMT = 0xF000;
    public const int S_IFIFO = 0x1000;
    public const int S_IFCHR = 0x2000;
    public const int S_IFDIR = 0x4000;
    public const int S_IFREG = 0x8000;
    public const int S_IFLNK = 0xA000;

    private const long SYS_openat2 = 437;
    private const uint STATX_TYPE = 0x1;

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall4(long number, long a1, byte* a2, OpenHow* a3, nuint a4);

    /// <summary>openat2(2): -1 with errno ELOOP when a symlink is met under RESOLVE_NO_SYMLINKS, EXDEV when the path leaves <paramref name="dirFd"/>.</summary>
    public static int OpenAt2(int dirFd, string path, int flags, ulong resolve)
    {
        var how = new OpenHow { Flags = (ulong)(uint)flags, Mode = 0, Resolve = resolve };
        var bytes = Utf8(path);
        fixed (byte* p = bytes)
            return (int)Syscall4(SYS_openat2, dirFd, p, &how, (nuint)sizeof(OpenHow));
    }

    /// <summary>openat(2) (the mode is read only with O_CREAT).</summary>
    [LibraryImport(Lib, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int dirFd, string path, int flags, int mode);

    /// <summary>mkdirat(2).</summary>
    [LibraryImport(Lib, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MkdirAt(int dirFd, string path, int mode);

    /// <summary>mknodat(2): <paramref name="mode"/> carries the file type (S_IFCHR, S_IFIFO).</summary>
    [LibraryImport(Lib, EntryPoint = "mknodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MknodAt(int dirFd, string path, int mode, ulong device);

    /// <summary>symlinkat(2): <paramref name="target"/> is stored as given, never resolved.</summary>
    [LibraryImport(Lib, EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SymlinkAt(string target, int newDirFd, string linkPath);

    /// <summary>linkat(2); flags 0 links the entry itself, a symlink included.</summary>
    [LibraryImport(Lib, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LinkAt(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);

    /// <summary>unlinkat(2); <see cref="AT_REMOVEDIR"/> for an empty directory.</summary>
    [LibraryImport(Lib, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(int dirFd, string path, int flags);

    /// <summary>fchownat(2); with <see cref="AT_SYMLINK_NOFOLLOW"/> a symlink's own owner.</summary>
    [LibraryImport(Lib, EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FChownAt(int dirFd, string path, uint owner, uint group, int flags);

    /// <summary>fchmodat(2) (never on a symlink: Linux has no symlink modes).</summary>
    [LibraryImport(Lib, EntryPoint = "fchmodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FChmodAt(int dirFd, string path, int mode, int flags);

    /// <summary>fchown(2).</summary>
    [LibraryImport(Lib, EntryPoint = "fchown", SetLastError = true)]
    public static partial int FChown(int fd, uint owner, uint group);

    /// <summary>fchmod(2); after fchown, which clears set-user-ID and set-group-ID.</summary>
    [LibraryImport(Lib, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int FChmod(int fd, int mode);

    /// <summary>utimensat(2): <c>times[0]</c> atime, <c>times[1]</c> mtime.</summary>
    [LibraryImport(Lib, EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UtimensAt(int dirFd, string path, TimeSpec* times, int flags);

    /// <summary>fsetxattr(2).</summary>
    [LibraryImport(Lib, EntryPoint = "fsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FSetXattr(int fd, string name, byte* value, nuint size, int flags);

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>
    /// The file type bits (S_IFMT) of <paramref name="name"/> in <paramref name="dirFd"/>, the
    /// entry itself (never a symlink's target); 0 when it does not exist. statx(2): stx_mode is
    /// the u16 at offset 28 of struct statx (256 bytes).
    /// </summary>
    public static int TypeAt(int dirFd, string name)
    {
        var buffer = stackalloc byte[256];
        if (Statx(dirFd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE, buffer) != 0)
            return Errno == ENOENT ? 0 : throw new IOException($"statx {name}: {Describe(Errno)}");
        return *(ushort*)(buffer + 28) & S_IFMT;
    }

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    private static byte[] Utf8(string text)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    /// <summary>struct open_how, linux/openat2.h.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>struct timespec on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
