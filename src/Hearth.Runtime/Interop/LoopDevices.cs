using System.Runtime.InteropServices;

namespace Hearth.Runtime.Interop;

/// <summary>
/// Attaches a file to a free loop device with LOOP_CONFIGURE (loop(4)), with autoclear set so the
/// device detaches by itself when its last user - the ext4 mount - goes away: unmounting is the
/// whole cleanup, and a crash cannot leak a device that is not mounted.
/// </summary>
internal static class LoopDevices
{
    private const ulong LOOP_CTL_GET_FREE = 0x4C82;
    private const ulong LOOP_CONFIGURE = 0x4C0A;
    private const uint LO_FLAGS_AUTOCLEAR = 4;

    /// <summary>Attaches <paramref name="backingFile"/> and returns the device path and an open fd on it.</summary>
    public static unsafe (string Device, int Fd) Attach(string backingFile)
    {
        var fileFd = Libc.Open(backingFile, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fileFd < 0) throw Failure($"open {backingFile}");
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var control = Libc.Open("/dev/loop-control", Libc.O_RDWR | Libc.O_CLOEXEC);
                if (control < 0) throw Failure("open /dev/loop-control");
                int number;
                try
                {
                    number = Libc.Ioctl(control, LOOP_CTL_GET_FREE, 0);
                    if (number < 0) throw Failure("LOOP_CTL_GET_FREE");
                }
                finally { Libc.Close(control); }

                var device = $"/dev/loop{number}";
                var loopFd = Libc.Open(device, Libc.O_RDWR | Libc.O_CLOEXEC);
                if (loopFd < 0) throw Failure($"open {device}");

                var config = new LoopConfig { Fd = (uint)fileFd };
                config.Info.Flags = LO_FLAGS_AUTOCLEAR;
                if (Libc.Ioctl(loopFd, LOOP_CONFIGURE, (nint)(&config)) == 0)
                    return (device, loopFd);

                var errno = Marshal.GetLastPInvokeError();
                Libc.Close(loopFd);
                // Another attacher took the same free device between GET_FREE and CONFIGURE.
                if (errno != Libc.EBUSY || attempt >= 20)
                    throw new RuntimeException("loop_failed", $"LOOP_CONFIGURE {device}: {Libc.Describe(errno)}");
            }
        }
        finally
        {
            // The loop device holds its own reference to the file.
            Libc.Close(fileFd);
        }
    }

    private static RuntimeException Failure(string what) =>
        new("loop_failed", $"{what}: {Libc.Describe(Marshal.GetLastPInvokeError())}");

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
