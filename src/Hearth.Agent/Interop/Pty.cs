using System.Runtime.InteropServices;

namespace Hearth.Agent.Interop;

/// <summary>
/// Pseudo-terminal masters (pty(7)). The agent keeps only the master: the slave is opened by
/// path in the child (<see cref="SpawnOptions.TerminalPath"/>), after setsid(2), so it becomes
/// the child's controlling terminal, and the agent never holds a slave descriptor that would
/// keep the master from seeing end of file (EIO) when the last process closes it.
/// </summary>
internal static unsafe class Pty
{
    /// <summary>
    /// Opens a master, close-on-exec, not the agent's controlling terminal and numbered 3 or
    /// above (as <see cref="Pipe.Create"/>), sets its size and unlocks it. Returns 0 or an error
    /// number; on success <paramref name="slavePath"/> is the slave's path (<c>/dev/pts/N</c> of
    /// the workspace's own devpts instance).
    /// </summary>
    public static int Open(int cols, int rows, out int masterFd, out string slavePath)
    {
        slavePath = "";
        masterFd = Libc.PosixOpenPt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        if (masterFd < 0) return Marshal.GetLastPInvokeError();

        var error = Pipe.AboveStandard(ref masterFd);
        if (error == 0 && Libc.GrantPt(masterFd) != 0) error = Marshal.GetLastPInvokeError();
        if (error == 0 && Libc.UnlockPt(masterFd) != 0) error = Marshal.GetLastPInvokeError();
        if (error == 0) error = SetSize(masterFd, cols, rows);
        if (error == 0)
        {
            var buffer = stackalloc byte[64];
            error = Libc.PtsNameR(masterFd, buffer, 64);
            if (error == 0) slavePath = Marshal.PtrToStringUTF8((nint)buffer) ?? "";
        }

        if (error != 0) Pipe.Close(ref masterFd);
        return error;
    }

    /// <summary>TIOCSWINSZ on the master: the size the slave's programs see; returns 0 or an error number.</summary>
    public static int SetSize(int masterFd, int cols, int rows)
    {
        // struct winsize: ws_row, ws_col, ws_xpixel, ws_ypixel (unsigned short each).
        var size = stackalloc ushort[4];
        size[0] = (ushort)rows;
        size[1] = (ushort)cols;
        size[2] = 0;
        size[3] = 0;
        return Libc.Ioctl(masterFd, Libc.TIOCSWINSZ, size) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
