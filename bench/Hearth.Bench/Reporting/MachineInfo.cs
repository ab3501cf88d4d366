using Hearth.Bench.Host;

namespace Hearth.Bench.Reporting;

/// <summary>What the figures were measured on.</summary>
internal sealed record MachineInfo(DateTimeOffset Date, int Cores, double MemoryGiB, string Kernel, string Crun, string LoadAverage)
{
    public static async Task<MachineInfo> ReadAsync(CancellationToken cancellationToken = default)
    {
        var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var crun = await HostProcess.RunAsync("crun", ["--version"], cancellationToken);
        return new MachineInfo(
            DateTimeOffset.UtcNow,
            Environment.ProcessorCount,
            long.Parse(memKb, System.Globalization.CultureInfo.InvariantCulture) / 1024.0 / 1024.0,
            (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease", cancellationToken)).Trim(),
            crun.StandardOutput.Split('\n').FirstOrDefault()?.Trim() ?? "crun ?",
            await LoadAverageAsync(cancellationToken));
    }

    /// <summary>The 1, 5 and 15 minute load averages: anything else running skews the figures.</summary>
    public static async Task<string> LoadAverageAsync(CancellationToken cancellationToken = default) =>
        string.Join(' ', (await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ').Take(3));
}
