namespace Hearth.Server.Workspaces;

/// <summary>What this host can give one workspace.</summary>
internal sealed class HostCapacity(string diskPoolDir)
{
    public int Cores { get; } = Environment.ProcessorCount;

    public int MemoryMb { get; } = ReadMemTotalMb();

    /// <summary>Free space where disk images live, in MiB.</summary>
    public int FreeDiskMb
    {
        get
        {
            Directory.CreateDirectory(diskPoolDir);
            return (int)Math.Min(int.MaxValue, new DriveInfo(diskPoolDir).AvailableFreeSpace / (1024 * 1024));
        }
    }

    private static int ReadMemTotalMb()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                return (int)(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024);
        return 0;
    }
}
