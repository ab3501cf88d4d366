using System.Globalization;

namespace Hearth.Bench.Measurement;

/// <summary>
/// A process's memory at one moment, in MiB (proc(5)): from <c>/proc/PID/status</c> VmRSS and
/// its parts RssAnon (heap, stacks: what the process itself allocated) and RssFile (mapped
/// files: its binary and libraries, shared with every process mapping them); from
/// <c>/proc/PID/smaps_rollup</c> (Linux 4.14+) Pss (shared pages divided among their users)
/// and Private (Private_Clean + Private_Dirty: pages only this process maps, what it costs the
/// machine on its own).
/// </summary>
internal sealed record AgentMemory(double RssMiB, double AnonMiB, double FileMiB, double PssMiB, double PrivateMiB)
{
    public static AgentMemory Read(int pid)
    {
        var status = Fields($"/proc/{pid}/status");
        var rollup = Fields($"/proc/{pid}/smaps_rollup");
        return new AgentMemory(
            Mib(status, "VmRSS"),
            Mib(status, "RssAnon"),
            Mib(status, "RssFile"),
            Mib(rollup, "Pss"),
            Mib(rollup, "Private_Clean") + Mib(rollup, "Private_Dirty"));
    }

    /// <summary>"Name:   1234 kB" lines as name -> KiB.</summary>
    private static Dictionary<string, long> Fields(string path)
    {
        var fields = new Dictionary<string, long>();
        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || !line.EndsWith(" kB", StringComparison.Ordinal)) continue;
            var value = line[(colon + 1)..^3].Trim();
            if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                fields[line[..colon]] = kib;
        }
        return fields;
    }

    private static double Mib(Dictionary<string, long> fields, string name) =>
        fields.TryGetValue(name, out var kib) ? kib / 1024.0 : throw new BenchException($"no {name} in /proc (kernel too old?)");
}
