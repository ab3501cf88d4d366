using Hearth.Runtime.Interop;
using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Disks;

/// <summary>
/// A workspace disk: one sparse ext4 image file. Its size is the workspace's hard disk quota
/// (a full disk gives ENOSPC inside and costs the host only the blocks really written).
/// </summary>
internal sealed class DiskImage(IProcessRunner processes)
{
    private const long MiB = 1024 * 1024;

    /// <summary>Creates a sparse image of <paramref name="sizeMb"/> with an ext4 whose root is owned by <paramref name="ownerUid"/>.</summary>
    public async Task CreateAsync(string path, int sizeMb, long ownerUid, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            file.SetLength(sizeMb * MiB);
        // -m 0: no blocks reserved for root, so `df` inside shows the size that was asked for.
        // nodiscard: the file is fresh and sparse, discarding it is wasted time.
        await processes.RunCheckedAsync(new ProcessRequest("mkfs.ext4",
            ["-q", "-F", "-m", "0", "-E", $"nodiscard,root_owner={ownerUid}:{ownerUid}", path]), cancellationToken);
    }

    /// <summary>Grows an unmounted image to <paramref name="sizeMb"/>; never shrinks.</summary>
    public async Task GrowAsync(string path, int sizeMb, CancellationToken cancellationToken = default)
    {
        var wanted = sizeMb * MiB;
        if (new FileInfo(path).Length >= wanted) return;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
            file.SetLength(wanted);
        // resize2fs insists on a freshly checked filesystem before growing it offline.
        var check = await processes.RunAsync(new ProcessRequest("e2fsck", ["-f", "-p", path]), cancellationToken);
        if (check.ExitCode > 1) // 1 = errors corrected (e2fsck(8))
            throw new RuntimeException("disk_check_failed", $"e2fsck {path} failed ({check.ExitCode}): {check.StandardOutput}{check.StandardError}");
        await processes.RunCheckedAsync(new ProcessRequest("resize2fs", [path]), cancellationToken);
    }

    /// <summary>Attaches the image to a loop device and mounts it at <paramref name="target"/>.</summary>
    public static void Mount(string path, string target)
    {
        Directory.CreateDirectory(target);
        var (device, fd) = LoopDevices.Attach(path);
        try
        {
            MountSyscalls.Mount(device, target, "ext4", "errors=remount-ro", flags: MountFlags.NoSuid | MountFlags.NoDev);
        }
        finally
        {
            // Autoclear detaches the device once the mount is gone (and now, if mounting failed).
            Libc.Close(fd);
        }
    }
}
