using System.Runtime.InteropServices;

namespace Hearth.Runtime.Interop;

/// <summary>What lstat(2) says about a path without following a final symlink: the owner and type .NET's FileSystemInfo does not give.</summary>
internal readonly partial record struct FileStatus(uint Mode, uint Uid, uint Gid, ulong Rdev, long Size, ulong Device, ulong Inode, ulong Links)
{
    public const uint S_IFMT = 0xF000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFLNK = 0xA000;

    public uint Type => Mode & S_IFMT;

    /// <summary>An overlayfs whiteout: a character device with device number 0/0.</summary>
    public bool IsWhiteout => Type == S_IFCHR && Rdev == 0;

    /// <summary>The status of <paramref name="path"/>, or null when it is gone.</summary>
    public static FileStatus? TryOf(string path)
    {
        try { return Of(path); }
        catch (RuntimeException) { return null; }
    }

    public static unsafe FileStatus Of(string path)
    {
        // struct stat on x86_64 (asm/stat.h, 144 bytes): st_dev u64 @0, st_ino @8, st_nlink @16, st_mode u32 @24,
        // st_uid @28, st_gid @32, st_rdev u64 @40, st_size i64 @48.
        var buffer = stackalloc byte[144];
        if (Lstat(path, (nint)buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new RuntimeException("stat_failed", $"lstat {path}: {Libc.Describe(errno)}");
        }
        return new FileStatus(*(uint*)(buffer + 24), *(uint*)(buffer + 28), *(uint*)(buffer + 32), *(ulong*)(buffer + 40), *(long*)(buffer + 48),
            *(ulong*)buffer, *(ulong*)(buffer + 8), *(ulong*)(buffer + 16));
    }

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Lstat(string path, nint buffer);
}
