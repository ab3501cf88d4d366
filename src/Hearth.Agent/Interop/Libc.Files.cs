using System.Runtime.InteropServices;

namespace Hearth.Agent.Interop;

/// <summary>
/// The descriptor-relative file system calls the agent makes on workspace files (open(2),
/// openat2(2), statx(2), getdents64(2), the *at(2) family): the file operations, the watchers
/// and the searches. Each wraps one call; the man page named beside it is the
/// contract. Open flags differ between x86_64 and aarch64 (asm-generic/fcntl.h against
/// arch/arm64/include/uapi/asm/fcntl.h); the rest is shared.
/// </summary>
internal static unsafe partial class Libc
{
    // errno values, asm-generic/errno-base.h and errno.h (more in Libc.cs).
    public const int EPERM = 1;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int EFBIG = 27;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int EMLINK = 31;
    public const int ENAMETOOLONG = 36;
    public const int ENOSYS = 38;
    public const int ENOTEMPTY = 39;
    public const int ELOOP = 40;
    public const int EDQUOT = 122;

    private static readonly bool Arm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    // open(2) flags.
    public const int O_WRONLY = 0x1;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_APPEND = 0x400;
    public const int O_PATH = 0x200000;
    public static readonly int O_DIRECTORY = Arm64 ? 0x4000 : 0x10000;
    public static readonly int O_NOFOLLOW = Arm64 ? 0x8000 : 0x20000;

    // openat2(2) resolve flags, linux/openat2.h.
    public const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    public const ulong RESOLVE_NO_SYMLINKS = 0x04;
    public const ulong RESOLVE_BENEATH = 0x08;
    public const ulong RESOLVE_IN_ROOT = 0x10;

    // *at(2) flags, linux/fcntl.h.
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_REMOVEDIR = 0x200;
    public const int AT_EMPTY_PATH = 0x1000;

    // statx(2) mask bits, linux/stat.h.
    public const uint STATX_BASIC_STATS = 0x7ff;
    public const uint STATX_MNT_ID = 0x1000;

    // File types in st_mode, inode(7).
    public const int S_IFMT = 0xF000;
    public const int S_IFREG = 0x8000;
    public const int S_IFDIR = 0x4000;
    public const int S_IFLNK = 0xA000;

    // d_type of getdents64(2), dirent.h.
    public const byte DT_UNKNOWN = 0;
    public const byte DT_DIR = 4;
    public const byte DT_REG = 8;
    public const byte DT_LNK = 10;

    // f_type of statfs(2), linux/magic.h.
    public const long PROC_SUPER_MAGIC = 0x9fa0;
    public const long SYSFS_MAGIC = 0x62656572;

    /// <summary>openat2(2) has no glibc wrapper; its number is the same on every architecture (asm-generic/unistd.h).</summary>
    private const long SYS_openat2 = 437;

    private const int SEEK_SET = 0;

    /// <summary>openat2(2) through syscall(2), whose variadic integer arguments the x86_64 and aarch64 ABIs pass like fixed ones.</summary>
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall4(long number, long a1, byte* a2, OpenHow* a3, nuint a4);

    /// <summary>
    /// openat2(2): opens <paramref name="path"/> relative to <paramref name="dirFd"/> under the
    /// <paramref name="resolve"/> rules; -1 with errno (EXDEV when resolution would leave the
    /// root, ELOOP on a magic link, EAGAIN when a concurrent rename made it unsure).
    /// </summary>
    public static int OpenAt2(int dirFd, string path, int flags, int mode, ulong resolve)
    {
        var how = new OpenHow { Flags = (ulong)(uint)flags, Mode = (ulong)(uint)mode, Resolve = resolve };
        var bytes = Utf8(path);
        fixed (byte* p = bytes)
            return (int)Syscall4(SYS_openat2, dirFd, p, &how, (nuint)sizeof(OpenHow));
    }

    /// <summary>openat(2).</summary>
    [LibraryImport(Lib, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int dirFd, string path, int flags, int mode);

    /// <summary>statx(2) (glibc 2.28+): with <see cref="AT_EMPTY_PATH"/> and "" it describes <paramref name="dirFd"/> itself.</summary>
    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirFd, string path, int flags, uint mask, out Statx result);

    /// <summary>fstatfs(2); works on O_PATH descriptors since Linux 3.12. Only f_type (the first word) is read.</summary>
    [LibraryImport(Lib, EntryPoint = "fstatfs", SetLastError = true)]
    public static partial int FStatFs(int fd, StatFs* result);

    /// <summary>mkdirat(2).</summary>
    [LibraryImport(Lib, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MkdirAt(int dirFd, string path, int mode);

    /// <summary>unlinkat(2): <see cref="AT_REMOVEDIR"/> removes an empty directory.</summary>
    [LibraryImport(Lib, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(int dirFd, string path, int flags);

    /// <summary>renameat(2): replaces <paramref name="newPath"/> atomically, a symlink there included (never followed).</summary>
    [LibraryImport(Lib, EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RenameAt(int oldDirFd, string oldPath, int newDirFd, string newPath);

    /// <summary>symlinkat(2).</summary>
    [LibraryImport(Lib, EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SymlinkAt(string target, int newDirFd, string linkPath);

    /// <summary>linkat(2) without AT_SYMLINK_FOLLOW: a hard link to the entry itself, a symlink included.</summary>
    [LibraryImport(Lib, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LinkAt(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);

    /// <summary>readlinkat(2): with "" it reads the symlink an O_PATH|O_NOFOLLOW descriptor refers to.</summary>
    [LibraryImport(Lib, EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ReadLinkAt(int dirFd, string path, byte* buffer, nuint size);

    /// <summary>fchmod(2); not on O_PATH descriptors.</summary>
    [LibraryImport(Lib, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int FChmod(int fd, int mode);

    /// <summary>fchown(2).</summary>
    [LibraryImport(Lib, EntryPoint = "fchown", SetLastError = true)]
    public static partial int FChown(int fd, uint owner, uint group);

    /// <summary>fsync(2).</summary>
    [LibraryImport(Lib, EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    /// <summary>syncfs(2): commits the file system that holds <paramref name="fd"/>.</summary>
    [LibraryImport(Lib, EntryPoint = "syncfs", SetLastError = true)]
    public static partial int SyncFs(int fd);

    /// <summary>futimens(2): <c>times[0]</c> is atime, <c>times[1]</c> mtime.</summary>
    [LibraryImport(Lib, EntryPoint = "futimens", SetLastError = true)]
    public static partial int FUtimens(int fd, TimeSpec* times);

    /// <summary>statx(2) of a raw (NUL-terminated, possibly not UTF-8) name from a directory listing.</summary>
    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int dirFd, byte* path, int flags, uint mask, out Statx result);

    /// <summary>openat(2) of a raw name from a directory listing.</summary>
    [LibraryImport(Lib, EntryPoint = "openat", SetLastError = true)]
    public static partial int OpenAt(int dirFd, byte* path, int flags, int mode);

    /// <summary>unlinkat(2) of a raw name from a directory listing.</summary>
    [LibraryImport(Lib, EntryPoint = "unlinkat", SetLastError = true)]
    public static partial int UnlinkAt(int dirFd, byte* path, int flags);

    /// <summary>readlinkat(2) of a raw name from a directory listing.</summary>
    [LibraryImport(Lib, EntryPoint = "readlinkat", SetLastError = true)]
    public static partial nint ReadLinkAt(int dirFd, byte* path, byte* buffer, nuint size);

    /// <summary>pread(2) (64-bit offsets on 64-bit Linux).</summary>
    [LibraryImport(Lib, EntryPoint = "pread", SetLastError = true)]
    public static partial nint PRead(int fd, byte* buffer, nuint count, long offset);

    /// <summary>lseek(2) back to the start (for reading a directory again after removing entries).</summary>
    [LibraryImport(Lib, EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeek(int fd, long offset, int whence);

    /// <summary>getdents64(2) (glibc 2.30+): packed <c>linux_dirent64</c> records, 0 at the end.</summary>
    [LibraryImport(Lib, EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint GetDents64(int fd, byte* buffer, nuint count);

    public static int Rewind(int fd) => LSeek(fd, 0, SEEK_SET) < 0 ? -1 : 0;

    /// <summary>The errno of the last call that failed on this thread.</summary>
    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>NUL-terminated UTF-8.</summary>
    public static byte[] Utf8(string text)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}

/// <summary>struct open_how, linux/openat2.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OpenHow
{
    public ulong Flags;
    public ulong Mode;
    public ulong Resolve;
}

/// <summary>struct timespec on 64-bit Linux.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TimeSpec
{
    public long Seconds;
    public long Nanoseconds;
}

/// <summary>struct statfs on 64-bit Linux is 120 bytes; only <see cref="Type"/> is read.</summary>
[StructLayout(LayoutKind.Sequential, Size = 128)]
internal struct StatFs
{
    public long Type;
}
