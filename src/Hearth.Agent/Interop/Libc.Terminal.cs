using System.Runtime.InteropServices;

namespace Hearth.Agent.Interop;

/// <summary>The libc calls and constants for pseudo-terminals (pty(7)).</summary>
internal static unsafe partial class Libc
{
    public const int EIO = 5;

    // open(2) flags, asm-generic/fcntl.h.
    public const int O_RDWR = 0x2;
    public const int O_NOCTTY = 0x100;

    /// <summary>posix_spawnattr_setflags(3): the child calls setsid(2) (glibc 2.26+, spawn.h).</summary>
    public const short POSIX_SPAWN_SETSID = 0x80;

    /// <summary>ioctl_tty(2) TIOCSWINSZ, asm-generic/ioctls.h: sets the window size; the kernel sends SIGWINCH to the foreground group.</summary>
    public const nuint TIOCSWINSZ = 0x5414;

    /// <summary>posix_openpt(3): opens a new master (/dev/ptmx); returns the descriptor or -1 with errno.</summary>
    [LibraryImport(Lib, EntryPoint = "posix_openpt", SetLastError = true)]
    public static partial int PosixOpenPt(int flags);

    /// <summary>grantpt(3): with devpts it only checks the master; 0 or -1 with errno.</summary>
    [LibraryImport(Lib, EntryPoint = "grantpt", SetLastError = true)]
    public static partial int GrantPt(int masterFd);

    /// <summary>unlockpt(3): lets the slave be opened; 0 or -1 with errno.</summary>
    [LibraryImport(Lib, EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int UnlockPt(int masterFd);

    /// <summary>ptsname_r(3): the slave's path into <paramref name="buffer"/>; returns 0 or an error number.</summary>
    [LibraryImport(Lib, EntryPoint = "ptsname_r")]
    public static partial int PtsNameR(int masterFd, byte* buffer, nuint length);

    /// <summary>ioctl(2) with a pointer argument (variadic in C; a pointer is passed as a fixed one on x86_64 and aarch64).</summary>
    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);
}
