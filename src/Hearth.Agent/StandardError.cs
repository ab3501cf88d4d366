using System.Runtime.InteropServices;
using System.Text;
using Hearth.Agent.Interop;

namespace Hearth.Agent;

/// <summary>
/// Writes diagnostics to fd 2 with write(2). System.Console is avoided on purpose: its terminal
/// setup registers the runtime for SIGCHLD, and a .NET process that is PID 1 then reaps every
/// child itself (System.Native pal_signal.c, "pid 1 (the init daemon) is responsible for
/// reaping"), stealing exit statuses from the agent's reaper.
/// </summary>
internal static unsafe class StandardError
{
    private const int Fd = 2;

    /// <summary>The workspace's boot log, once the init has opened it: every message goes there too (<c>source=boot</c>).</summary>
    public static Logs.SegmentedLog? BootLog { get; set; }

    /// <summary>Writes "hearth-agent: <paramref name="message"/>" and a newline, and notes it in the boot log; errors are ignored.</summary>
    public static void WriteLine(string message)
    {
        WriteRaw("hearth-agent: " + message + "\n");
        BootLog?.Note(message);
    }

    /// <summary>Writes <paramref name="text"/> as is; errors are ignored, there is nowhere to report them.</summary>
    public static void WriteRaw(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* start = bytes)
        {
            var offset = 0;
            while (offset < bytes.Length)
            {
                var written = Libc.Write(Fd, start + offset, (nuint)(bytes.Length - offset));
                if (written > 0)
                    offset += (int)written;
                else if (written < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
                    continue;
                else
                    return;
            }
        }
    }
}
