using Hearth.Runtime.Disks;
using Hearth.Runtime.Interop;

namespace Hearth.Runtime.Containers;

/// <summary>
/// The mounts under a running workspace, bottom to top: its ext4 disk, an idmapped read-only
/// view of each image layer, and the overlay of them all (the disk's upper on top) that becomes
/// the container's root. Each layer is idmapped on its own because overlayfs cannot itself be
/// idmapped; the layers are shared by every workspace of every image that stacks them.
/// Mounting is all-or-nothing; unmounting tolerates any subset being already gone, so it is
/// also the cleanup after a crash at any point.
/// </summary>
internal static class MountStack
{
    /// <summary>Mounts the stack; <paramref name="layers"/> are the image's layer trees, bottom first.</summary>
    public static async Task MountAsync(WorkspacePaths paths, IReadOnlyList<string> layers, long uidBase, UserNamespaces userNamespaces,
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

            if (layers.Count == 0) throw new RuntimeException("image_empty", "the image has no layers");
            var userns = await userNamespaces.GetAsync(uidBase, cancellationToken);
            for (var i = 0; i < layers.Count; i++)
            {
                Directory.CreateDirectory(paths.LowerOf(i));
                MountSyscalls.MountIdmappedReadOnly(layers[i], paths.LowerOf(i), userns.Fd);
            }

            // lowerdir lists the top layer first.
            var lowers = string.Join(':', Enumerable.Range(0, layers.Count).Reverse().Select(paths.LowerOf));
            Directory.CreateDirectory(paths.Rootfs);
            MountSyscalls.Mount("overlay", paths.Rootfs, "overlay",
                $"lowerdir={lowers},upperdir={paths.Upper},workdir={paths.Work}");
        }
        catch
        {
            Unmount(paths);
            throw;
        }
    }

    public static void Unmount(WorkspacePaths paths)
    {
        // Layer mounts are lower/N; a workspace started before layers had one mount at lower itself.
        var layerMounts = Directory.Exists(paths.Lower) ? Directory.GetDirectories(paths.Lower) : [];
        foreach (var target in new[] { paths.Rootfs }.Concat(layerMounts).Concat([paths.Lower, paths.DiskMount]))
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
