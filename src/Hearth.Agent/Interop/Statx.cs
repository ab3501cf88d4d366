using System.Runtime.InteropServices;

namespace Hearth.Agent.Interop;

/// <summary>struct statx, linux/stat.h (256 bytes, the same on every architecture).</summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct Statx
{
    [FieldOffset(0)] public uint Mask;
    [FieldOffset(20)] public uint Uid;
    [FieldOffset(24)] public uint Gid;
    [FieldOffset(28)] public ushort Mode;
    [FieldOffset(32)] public ulong Ino;
    [FieldOffset(40)] public ulong Size;
    [FieldOffset(112)] public long MtimeSeconds;
    [FieldOffset(120)] public uint MtimeNanoseconds;
    [FieldOffset(136)] public uint DevMajor;
    [FieldOffset(140)] public uint DevMinor;
    [FieldOffset(144)] public ulong MountId;

    public readonly int Type => Mode & Libc.S_IFMT;

    public readonly bool IsDirectory => Type == Libc.S_IFDIR;

    public readonly bool IsRegular => Type == Libc.S_IFREG;

    public readonly bool IsSymlink => Type == Libc.S_IFLNK;

    /// <summary>Permission bits with set-id and sticky bits.</summary>
    public readonly int Permissions => Mode & 0xFFF;

    public readonly DateTimeOffset Modified =>
        DateTimeOffset.FromUnixTimeSeconds(MtimeSeconds).AddTicks(MtimeNanoseconds / 100);

    /// <summary>Whether two results describe the same inode.</summary>
    public readonly bool SameInode(in Statx other) =>
        Ino == other.Ino && DevMajor == other.DevMajor && DevMinor == other.DevMinor;

    /// <summary>What the runtime API calls the type: <c>file</c>, <c>directory</c> or <c>symlink</c>.</summary>
    public readonly string TypeName => Type switch
    {
        Libc.S_IFDIR => "directory",
        Libc.S_IFLNK => "symlink",
        _ => "file",
    };
}
