using System.Buffers.Binary;

namespace Hearth.Runtime.Disks;

/// <summary>Bytes used and the size of a filesystem, as df(1) counts them (metadata overhead excluded from both).</summary>
internal readonly record struct FilesystemUsage(long UsedBytes, long TotalBytes)
{
    private const int SuperblockOffset = 1024, SuperblockSize = 1024;

    /// <summary>statfs(2) of the filesystem mounted at <paramref name="mountPoint"/>.</summary>
    public static FilesystemUsage OfMounted(string mountPoint)
    {
        var drive = new DriveInfo(mountPoint);
        return new FilesystemUsage(drive.TotalSize - drive.TotalFreeSpace, drive.TotalSize);
    }

    /// <summary>
    /// The figures of an unmounted ext4 image, from its superblock: one 1 KiB read, no mount. The
    /// kernel writes the free-block count there when it unmounts the filesystem, so for an image
    /// that was cleanly unmounted they match what statfs said while it was mounted. Null when the
    /// file is missing or holds no ext4.
    /// </summary>
    public static FilesystemUsage? OfExt4Image(string image)
    {
        try
        {
            using var file = File.OpenHandle(image, FileMode.Open, FileAccess.Read);
            Span<byte> superblock = stackalloc byte[SuperblockSize];
            return RandomAccess.Read(file, superblock, SuperblockOffset) == SuperblockSize ? ParseExt4Superblock(superblock) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads an ext4 superblock (Documentation/filesystems/ext4/super.rst): block count and free
    /// blocks (with their high halves under the 64bit feature), the block size, and the overhead
    /// mke2fs recorded (bitmaps, inode tables, journal), which statfs leaves out of the size.
    /// </summary>
    public static FilesystemUsage? ParseExt4Superblock(ReadOnlySpan<byte> superblock)
    {
        const ushort Ext4Magic = 0xEF53;
        const uint Incompat64Bit = 0x80;
        if (superblock.Length < SuperblockSize || BinaryPrimitives.ReadUInt16LittleEndian(superblock[0x38..]) != Ext4Magic)
            return null;
        var is64 = (BinaryPrimitives.ReadUInt32LittleEndian(superblock[0x60..]) & Incompat64Bit) != 0;
        long blocks = BinaryPrimitives.ReadUInt32LittleEndian(superblock[0x4..]);
        long free = BinaryPrimitives.ReadUInt32LittleEndian(superblock[0xC..]);
        if (is64)
        {
            blocks |= (long)BinaryPrimitives.ReadUInt32LittleEndian(superblock[0x150..]) << 32;
            free |= (long)BinaryPrimitives.ReadUInt32LittleEndian(superblock[0x158..]) << 32;
        }
        var logBlockSize = BinaryPrimitives.ReadUInt32LittleEndian(superblock[0x18..]);
        if (logBlockSize > 6) return null; // ext4 blocks are 1-64 KiB
        var blockSize = 1024L << (int)logBlockSize;
        long overhead = BinaryPrimitives.ReadUInt32LittleEndian(superblock[0x248..]);
        var size = Math.Max(0, blocks - overhead);
        return new FilesystemUsage(Math.Max(0, size - free) * blockSize, size * blockSize);
    }
}
