using System.Runtime.InteropServices;
using Hearth.Agent.Interop;

namespace Hearth.Agent.Init;

/// <summary>
/// Makes sure the command gets a stdin it can read. Without one, the first file the command
/// opens would become its "stdin" by accident (open(2) returns the lowest free descriptor), and
/// a read of stdin would consume an unrelated file.
/// </summary>
internal static class StandardInput
{
    /// <summary>What a command gets as stdin when the agent has none to pass on.</summary>
    public const string Substitute = "/dev/null";

    /// <summary>Opens <see cref="Substitute"/> as fd 0 if fd 0 is closed.</summary>
    public static void EnsureOpen()
    {
        if (Libc.Fcntl(0, Libc.F_GETFD, 0) != -1 || Marshal.GetLastPInvokeError() != Libc.EBADF)
            return;

        var fd = Libc.Open(Substitute, Libc.O_RDONLY);
        if (fd < 0)
        {
            StandardError.WriteLine($"stdin is closed and {Substitute} cannot be opened: {Libc.Describe(Marshal.GetLastPInvokeError())}");
            return;
        }

        // fd 0 was free, so open(2) returned it; anything else means a racing open took it.
        if (fd != 0)
        {
            Libc.Dup2(fd, 0);
            Libc.Close(fd);
        }
    }

    /// <summary>
    /// Whether a command started now would inherit a usable fd 0. <see cref="EnsureOpen"/> can
    /// come too late: when the agent is started with fd 0 closed, the runtime opens
    /// /dev/urandom before Main, O_CLOEXEC, and gets fd 0. The agent cannot take that descriptor
    /// from the runtime, and the command would start with fd 0 closed; seeing FD_CLOEXEC on fd 0
    /// (which no inherited descriptor can have, execve(2)) tells the spawn to open
    /// <see cref="Substitute"/> in the child instead.
    /// </summary>
    public static bool IsInheritable()
    {
        var flags = Libc.Fcntl(0, Libc.F_GETFD, 0);
        return flags >= 0 && (flags & Libc.FD_CLOEXEC) == 0;
    }
}
