using Hearth.Runtime.Disks;
using Hearth.Runtime.Interop;
using Hearth.Runtime.Network;

namespace Hearth.Runtime.Containers;

/// <summary>
/// Reads what a workspace uses from the host's own records - its cgroup, its disk, the host end
/// of its veth - never from inside the workspace, whose root could say anything. Every reading
/// is a few small file reads; a piece that is not there (the workspace stopped meanwhile) reads
/// as zero.
/// </summary>
internal sealed class WorkspaceUsage(DriverOptions options, NetworkNamespace netns)
{
    private readonly Cgroups.Cgroups cgroups = new(options.CgroupParent);

    /// <summary>The cgroup's cumulative CPU time in nanoseconds; null when the workspace has no cgroup.</summary>
    public long? CpuTimeNanoseconds(string id) => cgroups.CpuTimeNanoseconds(id);

    /// <summary>Memory, disk and network at once, for a workspace whose container exists (running or paused).</summary>
    public WorkspaceUsageReading Read(string id)
    {
        var memory = cgroups.Memory(id);
        var disk = Disk(id);
        // The host end's receive counter is what the workspace sent, and the reverse.
        var veth = InterfaceCounters.Read(netns.ProcNetDev, NetworkOptions.VethOf(id));
        return new WorkspaceUsageReading
        {
            MemoryUsedBytes = memory?.Used ?? 0,
            MemoryLimitBytes = memory?.Limit,
            DiskUsedBytes = disk?.UsedBytes ?? 0,
            DiskTotalBytes = disk?.TotalBytes ?? 0,
            NetworkInBytes = veth?.SentBytes ?? 0,
            NetworkOutBytes = veth?.ReceivedBytes ?? 0,
        };
    }

    /// <summary>
    /// The workspace disk's figures: statfs while it is mounted, else its ext4 superblock (no
    /// mount needed, so a stopped workspace has them too); null when it has no disk.
    /// </summary>
    public FilesystemUsage? Disk(string id)
    {
        var paths = new WorkspacePaths(options, id);
        if (IsMountPoint(paths.DiskMount))
        {
            try { return FilesystemUsage.OfMounted(paths.DiskMount); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Removed (a delete) between the check and statfs: whatever of the image is left says the rest.
            }
        }
        return FilesystemUsage.OfExt4Image(paths.Disk);
    }

    /// <summary>A directory on another device than its parent is a mount point (a stale one stays an ordinary directory).</summary>
    private static bool IsMountPoint(string path) =>
        FileStatus.TryOf(path) is { } self && FileStatus.TryOf(Path.GetDirectoryName(path)!) is { } parent && self.Device != parent.Device;
}
