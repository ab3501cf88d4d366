using System.Runtime.InteropServices;

namespace Hearth.Bench.Host;

/// <summary>
/// The libc calls the by-hand breakdown makes, the same ones hearthd's
/// <c>Hearth.Runtime.Interop</c> makes (its types are internal, so they are repeated here).
/// </summary>
internal static partial class Native
{
    private const string Lib = "libc";

    public const int O_RDONLY = 0x0;
    public const int O_WRONLY = 0x1;
    public const int O_RDWR = 0x2;
    public const int O_CLOEXEC = 0x80000;

    public const int AT_FDCWD = -100;
    public const int AT_EMPTY_PATH = 0x1000;
    public const int AT_RECURSIVE = 0x8000;

    public const int EBUSY = 16;
    public const int MNT_DETACH = 2;
    public const ulong MS_NOSUID = 0x2;
    public const ulong MS_NODEV = 0x4;

    // x86_64 syscall numbers (asm/unistd_64.h); glibc 2.36 has no wrappers for the new mount API.
    public const long SYS_open_tree = 428;
    public const long SYS_move_mount = 429;
    public const long SYS_mount_setattr = 442;

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

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial uint Geteuid();

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, nint a1, nint a2, nint a3, nint a4, nint a5);

    /// <summary>Throws with errno's text when a call returned a negative value.</summary>
    public static void Check(long result, string what)
    {
        if (result < 0)
            throw new BenchException($"{what}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }
}
