using System.Runtime.InteropServices;

namespace Hearth.Runtime.Interop;

/// <summary>mount(2), umount2(2) and the idmapped mounts of mount_setattr(2).</summary>
internal static class MountSyscalls
{
    private const uint OPEN_TREE_CLONE = 1;
    private const uint OPEN_TREE_CLOEXEC = 0x80000;
    private const uint MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    private const ulong MOUNT_ATTR_RDONLY = 0x1;
    private const ulong MOUNT_ATTR_IDMAP = 0x100000;

    public static void Mount(string? source, string target, string? fsType, string? data, ulong flags = 0)
    {
        if (Libc.Mount(source, target, fsType, flags, data) != 0)
            throw Failure($"mount {fsType ?? "bind"} on {target}");
    }

    /// <summary>Unmounts <paramref name="target"/>; false when nothing was mounted there.</summary>
    public static bool Unmount(string target, bool detach = false)
    {
        if (Libc.Umount2(target, detach ? Libc.MNT_DETACH : 0) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno is Libc.EINVAL or Libc.ENOENT)
            return false;
        throw new RuntimeException("unmount_failed", $"umount {target}: {Libc.Describe(errno)}");
    }

    /// <summary>
    /// Mounts a read-only, idmapped clone of <paramref name="source"/> at <paramref name="target"/>:
    /// files owned by uid/gid N appear owned by whatever N maps to in <paramref name="userNamespaceFd"/>.
    /// This lets one shared image rootfs (owned by host root) serve as the lower layer of every
    /// workspace while each workspace's root is a different unprivileged host uid (mount_setattr(2)).
    /// </summary>
    public static unsafe void MountIdmappedReadOnly(string source, string target, int userNamespaceFd)
    {
        var sourcePtr = Marshal.StringToCoTaskMemUTF8(source);
        var targetPtr = Marshal.StringToCoTaskMemUTF8(target);
        var emptyPtr = Marshal.StringToCoTaskMemUTF8("");
        var treeFd = -1;
        try
        {
            treeFd = (int)Libc.Syscall(Libc.SYS_open_tree, Libc.AT_FDCWD, sourcePtr,
                (nint)(OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | Libc.AT_RECURSIVE), 0, 0);
            if (treeFd < 0) throw Failure($"open_tree {source}");

            var attr = new MountAttr
            {
                AttrSet = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY,
                UsernsFd = (ulong)userNamespaceFd,
            };
            if (Libc.Syscall(Libc.SYS_mount_setattr, treeFd, emptyPtr, Libc.AT_EMPTY_PATH | Libc.AT_RECURSIVE,
                    (nint)(&attr), sizeof(MountAttr)) != 0)
                throw Failure($"mount_setattr idmap {source}");

            if (Libc.Syscall(Libc.SYS_move_mount, treeFd, emptyPtr, Libc.AT_FDCWD, targetPtr,
                    (nint)MOVE_MOUNT_F_EMPTY_PATH) != 0)
                throw Failure($"move_mount to {target}");
        }
        finally
        {
            if (treeFd >= 0) Libc.Close(treeFd);
            Marshal.FreeCoTaskMem(sourcePtr);
            Marshal.FreeCoTaskMem(targetPtr);
            Marshal.FreeCoTaskMem(emptyPtr);
        }
    }

    private static RuntimeException Failure(string what) =>
        new("mount_failed", $"{what}: {Libc.Describe(Marshal.GetLastPInvokeError())}");

    [StructLayout(LayoutKind.Sequential)]
    private struct MountAttr
    {
        public ulong AttrSet;
        public ulong AttrClr;
        public ulong Propagation;
        public ulong UsernsFd;
    }
}
