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
    /// <summary>The name (comm, cut to 15 characters) of the .NET runtime's tiered-compilation thread.</summary>
    public const string TieredCompilationThread = ".NET Tiered Com";
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
    public static double ReadThreadsMs(int pid, string prefix) => ReadThreadsByIdMs(pid, prefix).Values.Sum();

    /// <summary>
    /// The same, thread by thread (by TID). The runtime ends its tiered-compilation thread after
    /// some seconds idle and starts a new one when there is work again, so a plain sum can go
    /// down between two readings; <see cref="ThreadsDeltaMs"/> of two of these cannot.
    /// </summary>
    public static IReadOnlyDictionary<int, double> ReadThreadsByIdMs(int pid, string prefix)
    {
        var threads = new Dictionary<int, double>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal)) continue;
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = ticks * 1000.0 / TicksPerSecond;
            }
            catch (IOException) { } // the thread ended meanwhile
        }
        return threads;
    }

    /// <summary>
    /// CPU the threads used between two <see cref="ReadThreadsByIdMs"/> readings: a thread that
    /// started in between counts from zero; one that ended in between is missed after the first
    /// reading, so keep the readings close together.
    /// </summary>
    public static double ThreadsDeltaMs(IReadOnlyDictionary<int, double> before, IReadOnlyDictionary<int, double> after) =>
        after.Sum(thread => thread.Value - before.GetValueOrDefault(thread.Key));

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);
}
