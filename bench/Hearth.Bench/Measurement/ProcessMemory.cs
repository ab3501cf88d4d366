using System.Globalization;

namespace Hearth.Bench.Measurement;

/// <summary>
/// Resident memory of a process (proc(5), /proc/PID/status): VmRSS now and VmHWM, its peak,
/// which <see cref="ResetPeak"/> sets back to the current RSS (writing 5 to
/// /proc/PID/clear_refs, Linux 4.0+), so a peak can be taken over one part of the run.
/// </summary>
internal static class ProcessMemory
{
    /// <summary>VmRSS and VmHWM in MiB; NaN for a process that is gone.</summary>
    public static (double RssMiB, double PeakMiB) Read(int pid)
    {
        try
        {
            double rss = double.NaN, peak = double.NaN;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kib(line) / 1024.0;
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kib(line) / 1024.0;
            }
            return (rss, peak);
        }
        catch (IOException)
        {
            return (double.NaN, double.NaN);
        }
    }

    /// <summary>Sets the process's VmHWM back to its current VmRSS; false if the kernel refused.</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Kib(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
