using System.Runtime.InteropServices;

namespace Hearth.Bench.Host;

/// <summary>
/// The three mounts hearthd stacks under a workspace (MountStack.cs), made with the same
/// syscalls so that the breakdown times what hearthd really does, minus its process.
/// </summary>
internal static class Mounts
{
    private const ulong LOOP_CTL_GET_FREE = 0x4C82;
    private const ulong LOOP_CONFIGURE = 0x4C0A;
    private const uint LO_FLAGS_AUTOCLEAR = 4;
    private const uint OPEN_TREE_CLONE = 1;
    private const uint MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    private const ulong MOUNT_ATTR_RDONLY = 0x1;
    private const ulong MOUNT_ATTR_IDMAP = 0x100000;

    /// <summary>LOOP_CTL_GET_FREE + LOOP_CONFIGURE (autoclear) + mount(2) ext4, as DiskImage.Mount.</summary>
    public static unsafe void MountDisk(string image, string target)
    {
        Directory.CreateDirectory(target);
        var fileFd = Native.Open(image, Native.O_RDWR | Native.O_CLOEXEC);
        Native.Check(fileFd, $"open {image}");
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var control = Native.Open("/dev/loop-control", Native.O_RDWR | Native.O_CLOEXEC);
                Native.Check(control, "open /dev/loop-control");
                int number;
                try
                {
                    number = Native.Ioctl(control, LOOP_CTL_GET_FREE, 0);
                    Native.Check(number, "LOOP_CTL_GET_FREE");
                }
                finally { Native.Close(control); }

                var device = $"/dev/loop{number}";
                var loopFd = Native.Open(device, Native.O_RDWR | Native.O_CLOEXEC);
                Native.Check(loopFd, $"open {device}");
                var config = new LoopConfig { Fd = (uint)fileFd };
                config.Info.Flags = LO_FLAGS_AUTOCLEAR;
                if (Native.Ioctl(loopFd, LOOP_CONFIGURE, (nint)(&config)) == 0)
                {
                    try
                    {
                        Native.Check(Native.Mount(device, target, "ext4", Native.MS_NOSUID | Native.MS_NODEV, "errors=remount-ro"),
                            $"mount {device} on {target}");
                        return;
                    }
                    finally { Native.Close(loopFd); } // autoclear: the mount now holds the device
                }
                var errno = Marshal.GetLastPInvokeError();
                Native.Close(loopFd);
                if (errno != Native.EBUSY || attempt >= 20)
                    throw new BenchException($"LOOP_CONFIGURE {device}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
        finally { Native.Close(fileFd); }
    }

    /// <summary>open_tree + mount_setattr(IDMAP|RDONLY) + move_mount, as MountSyscalls.MountIdmappedReadOnly.</summary>
    public static unsafe void MountIdmappedReadOnly(string source, string target, int userNamespaceFd)
    {
        Directory.CreateDirectory(target);
        var sourcePtr = Marshal.StringToCoTaskMemUTF8(source);
        var targetPtr = Marshal.StringToCoTaskMemUTF8(target);
        var emptyPtr = Marshal.StringToCoTaskMemUTF8("");
        var treeFd = -1;
        try
        {
            treeFd = (int)Native.Syscall(Native.SYS_open_tree, Native.AT_FDCWD, sourcePtr,
                (nint)(OPEN_TREE_CLONE | Native.O_CLOEXEC | Native.AT_RECURSIVE), 0, 0);
            Native.Check(treeFd, $"open_tree {source}");
            var attr = new MountAttr { AttrSet = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY, UsernsFd = (ulong)userNamespaceFd };
            Native.Check(Native.Syscall(Native.SYS_mount_setattr, treeFd, emptyPtr, Native.AT_EMPTY_PATH | Native.AT_RECURSIVE,
                (nint)(&attr), sizeof(MountAttr)), $"mount_setattr {source}");
            Native.Check(Native.Syscall(Native.SYS_move_mount, treeFd, emptyPtr, Native.AT_FDCWD, targetPtr,
                (nint)MOVE_MOUNT_F_EMPTY_PATH), $"move_mount {target}");
        }
        finally
        {
            if (treeFd >= 0) Native.Close(treeFd);
            Marshal.FreeCoTaskMem(sourcePtr);
            Marshal.FreeCoTaskMem(targetPtr);
            Marshal.FreeCoTaskMem(emptyPtr);
        }
    }

    public static void MountOverlay(string lower, string upper, string work, string target)
    {
        Directory.CreateDirectory(target);
        Native.Check(Native.Mount("overlay", target, "overlay", 0, $"lowerdir={lower},upperdir={upper},workdir={work}"),
            $"mount overlay on {target}");
    }

    /// <summary>umount2(2); a target that is not mounted is fine.</summary>
    public static void Unmount(string target, bool detach = false) => Native.Umount2(target, detach ? Native.MNT_DETACH : 0);

    /// <summary>Mount points at or below <paramref name="dir"/>, innermost (last mounted) first.</summary>
    public static IReadOnlyList<string> Under(string dir) =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(m => m == dir || m.StartsWith(dir + "/", StringComparison.Ordinal)).Reverse().ToList();

    [StructLayout(LayoutKind.Sequential)]
    private struct MountAttr
    {
        public ulong AttrSet;
        public ulong AttrClr;
        public ulong Propagation;
        public ulong UsernsFd;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct LoopInfo64
    {
        public ulong Device, Inode, RDevice, Offset, SizeLimit;
        public uint Number, EncryptType, EncryptKeySize, Flags;
        public fixed byte FileName[64];
        public fixed byte CryptName[64];
        public fixed byte EncryptKey[32];
        public fixed ulong Init[2];
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct LoopConfig
    {
        public uint Fd;
        public uint BlockSize;
        public LoopInfo64 Info;
        public fixed ulong Reserved[8];
    }
}
