using Hearth.Runtime.Disks;
using Hearth.Runtime.Interop;

namespace Hearth.Runtime.Containers;

/// <summary>
/// The three mounts under a running workspace, bottom to top: its ext4 disk, an idmapped
/// read-only view of the image, and the overlay of the two that becomes the container's root.
/// Mounting is all-or-nothing; unmounting tolerates any subset being already gone, so it is
/// also the cleanup after a crash at any point.
/// </summary>
internal static class MountStack
{
    public static async Task MountAsync(WorkspacePaths paths, string imageRootfs, long uidBase, UserNamespaces userNamespaces,
        CancellationToken cancellationToken = default)
    {
        try
        {
            DiskImage.Mount(paths.Disk, paths.DiskMount);
            foreach (var dir in new[] { paths.Upper, paths.Work })
            {
                Directory.CreateDirectory(dir);
                File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
                Chown(dir, uidBase);
            }

            Directory.CreateDirectory(paths.Lower);
            var userns = await userNamespaces.GetAsync(uidBase, cancellationToken);
            MountSyscalls.MountIdmappedReadOnly(imageRootfs, paths.Lower, userns.Fd);

            Directory.CreateDirectory(paths.Rootfs);
            MountSyscalls.Mount("overlay", paths.Rootfs, "overlay",
                $"lowerdir={paths.Lower},upperdir={paths.Upper},workdir={paths.Work}");
        }
        catch
        {
            Unmount(paths);
            throw;
        }
    }

    public static void Unmount(WorkspacePaths paths)
    {
        foreach (var target in new[] { paths.Rootfs, paths.Lower, paths.DiskMount })
        {
            // A mount point can be stacked if a crashed start mounted twice; peel until empty.
            for (var i = 0; i < 8 && Directory.Exists(target); i++)
            {
                bool unmounted;
                try { unmounted = MountSyscalls.Unmount(target); }
                catch (RuntimeException) { unmounted = MountSyscalls.Unmount(target, detach: true); }
                if (!unmounted) break;
            }
        }
    }

    private static void Chown(string path, long uid)
    {
        if (Libc.Chown(path, (uint)uid, (uint)uid) != 0)
            throw new RuntimeException("chown_failed", $"chown {path}: {Libc.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
    }
}
