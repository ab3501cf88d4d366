using System.Runtime.InteropServices;

namespace Hearth.Runtime.Interop;

/// <summary>The libc calls the runtime needs; each wraps one syscall, see its man page.</summary>
internal static partial class Libc
{
    private const string Lib = "libc";

    public const int O_RDONLY = 0x0;
    public const int O_WRONLY = 0x1;
    public const int O_RDWR = 0x2;
    public const int O_CLOEXEC = 0x80000;
    public const int O_PATH = 0x200000;
    public const int O_DIRECTORY = 0x10000;

    public const int AT_FDCWD = -100;
    public const int AT_EMPTY_PATH = 0x1000;
    public const int AT_RECURSIVE = 0x8000;

    public const int EBUSY = 16;
    public const int EINVAL = 22;
    public const int ENOENT = 2;

    public const int MNT_DETACH = 2;

    // x86_64 syscall numbers (asm/unistd_64.h); the new mount API has no libc wrapper in glibc 2.36.
    public const long SYS_open_tree = 428;
    public const long SYS_move_mount = 429;
    public const long SYS_mount_setattr = 442;
    public const long SYS_openat2 = 437;

    [LibraryImport(Lib, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mount(string? source, string target, string? fsType, ulong flags, string? data);

    [LibraryImport(Lib, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Umount2(string target, int flags);

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, nint argument);

    [LibraryImport(Lib, EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Chown(string path, uint uid, uint gid);

    [LibraryImport(Lib, EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rename(string from, string to);

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial uint Geteuid();

    /// <summary>The calling thread's id (gettid(2)): its <c>/proc/self/task/TID</c>.</summary>
    [LibraryImport(Lib, EntryPoint = "gettid")]
    public static partial int Gettid();

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, nint a1, nint a2, nint a3, nint a4, nint a5);

    /// <summary>st_mode of an open fd (fstat(2)), or -1.</summary>
    public static unsafe int FstatMode(int fd)
    {
        // struct stat on x86_64 is 144 bytes; st_mode is the u32 at offset 24.
        var buffer = stackalloc byte[144];
        return Fstat(fd, (nint)buffer) == 0 ? *(int*)(buffer + 24) : -1;
    }

    [LibraryImport(Lib, EntryPoint = "fstat", SetLastError = true)]
    private static partial int Fstat(int fd, nint buffer);

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
