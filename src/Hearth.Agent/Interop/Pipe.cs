using System.Runtime.InteropServices;

namespace Hearth.Agent.Interop;

/// <summary>Pipes for the standard streams of a spawned process.</summary>
internal static unsafe class Pipe
{
    /// <summary>
    /// Creates a pipe whose ends are both close-on-exec, so no other child inherits them (a
    /// stray copy of a write end would hold off end of file), and numbered 3 or above, so that
    /// dup2 onto 0, 1 or 2 in a child always makes a copy (see <see cref="PosixSpawn.Start"/>).
    /// Returns 0 or an error number.
    /// </summary>
    public static int Create(out int readFd, out int writeFd)
    {
        readFd = writeFd = -1;
        var fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0) return Marshal.GetLastPInvokeError();

        var error = AboveStandard(ref fds[0]);
        if (error == 0) error = AboveStandard(ref fds[1]);
        if (error != 0)
        {
            Libc.Close(fds[0]);
            Libc.Close(fds[1]);
            return error;
        }

        readFd = fds[0];
        writeFd = fds[1];
        return 0;
    }

    /// <summary>Sets O_NONBLOCK on the open file description behind <paramref name="fd"/>.</summary>
    /// <remarks>Only on the agent's ends: the child's end of a pipe is a separate description and stays blocking.</remarks>
    public static void SetNonBlocking(int fd)
    {
        var flags = Libc.Fcntl(fd, Libc.F_GETFL, 0);
        if (flags >= 0) Libc.Fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK);
    }

    /// <summary>Closes <paramref name="fd"/> if it is open and marks it closed (-1).</summary>
    public static void Close(ref int fd)
    {
        if (fd < 0) return;
        Libc.Close(fd);
        fd = -1;
    }

    /// <summary>
    /// The standard descriptors are open in the agent (crun passes them; fd 0 is ensured), but
    /// a free one would be handed out here and then be overwritten by another dup2 in the child.
    /// </summary>
    internal static int AboveStandard(ref int fd)
    {
        if (fd > 2) return 0;
        var moved = Libc.Fcntl(fd, Libc.F_DUPFD_CLOEXEC, 3);
        if (moved < 0) return Marshal.GetLastPInvokeError();
        Libc.Close(fd);
        fd = moved;
        return 0;
    }
}
