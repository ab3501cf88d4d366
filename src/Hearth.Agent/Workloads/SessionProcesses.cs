using System.Globalization;
using Hearth.Agent.Interop;

namespace Hearth.Agent.Workloads;

/// <summary>
/// The processes of the workspace by session, from <c>/proc/PID/stat</c> (proc(5)): a workload
/// is the session its first process leads, which every descendant stays in unless it calls
/// setsid(2) itself. Used to signal a workload as a whole and to add up what it uses.
/// </summary>
internal static class SessionProcesses
{
    /// <summary>What one process uses: CPU ticks (user, system, and of its reaped children) and resident pages.</summary>
    internal readonly record struct Usage(int Session, long CpuTicks, long RssPages);

    /// <summary>Clock ticks per second of <c>/proc/PID/stat</c> times (USER_HZ, 100 on every Linux ABI).</summary>
    public const int TicksPerSecond = 100;

    /// <summary>Sends <paramref name="signal"/> to every process of session <paramref name="session"/>; returns how many it reached.</summary>
    public static int Signal(int session, int signal)
    {
        var reached = 0;
        foreach (var (pid, usage) in All())
        {
            if (usage.Session == session && Libc.Kill(pid, signal) == 0) reached++;
        }

        return reached;
    }

    /// <summary>Every process's session and usage, by pid (processes that vanish while read are left out).</summary>
    public static IEnumerable<(int Pid, Usage Usage)> All()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Read(pid) is { } usage) yield return (pid, usage);
        }
    }

    private static Usage? Read(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }

        // "pid (comm) state ppid pgrp session ..."; comm may hold spaces and parentheses, so the
        // fields are counted from the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0) return null;
        var fields = text.AsSpan(close + 2).ToString().Split(' ');
        // fields[0] is field 3 (state): field N is fields[N - 3].
        if (fields.Length < 22) return null;
        return new Usage(
            Session: Int(fields[6 - 3]),
            CpuTicks: Long(fields[14 - 3]) + Long(fields[15 - 3]) + Long(fields[16 - 3]) + Long(fields[17 - 3]),
            RssPages: Long(fields[24 - 3]));
    }

    private static int Int(string text) => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static long Long(string text) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
