using System.Globalization;
using System.Runtime.InteropServices;

namespace Hearth.Bench.Measurement;

/// <summary>
/// CPU time of a process and of the children it has reaped (proc(5), /proc/PID/stat utime,
/// stime, cutime, cstime). For hearthd that is its own work plus every mkfs, crun, sh and
/// unshare it ran; on two cores, CPU per create is what bounds a concurrent burst. A container's
/// own processes are not children that get reaped, so they are not in it, for Hearth and the
/// baselines alike.
/// </summary>
internal static partial class ProcessCpu
{
    private const int _SC_CLK_TCK = 2;
    private static readonly long TicksPerSecond = Sysconf(_SC_CLK_TCK);

    /// <summary>The process's own CPU plus that of the children it reaped, in ms.</summary>
    public static double ReadMs(int pid) => Read(pid).Total;

    public static (double Own, double Total) Read(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name is in parentheses and may hold spaces; fields resume after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        var own = Field(14) + Field(15);
        var children = Field(16) + Field(17);
        return (own * 1000.0 / TicksPerSecond, (own + children) * 1000.0 / TicksPerSecond);
    }

    /// <summary>CPU of the process's threads whose name starts with <paramref name="prefix"/> (/proc/PID/task/TID/comm).</summary>
    public static double ReadThreadsMs(int pid, string prefix)
    {
        var ticks = 0L;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal)) continue;
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException) { } // the thread ended meanwhile
        }
        return ticks * 1000.0 / TicksPerSecond;
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);
}
