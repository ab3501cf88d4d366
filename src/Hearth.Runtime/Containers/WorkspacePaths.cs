namespace Hearth.Runtime.Containers;

/// <summary>Where one workspace's pieces live on the host.</summary>
internal sealed class WorkspacePaths(DriverOptions options, string id)
{
    public string Id { get; } = id;
    public string Root { get; } = Path.Combine(options.DataDir, "workspaces", id);
    public string Disk => Path.Combine(options.DiskPoolDir, Id + ".ext4");
    public string Bundle => Path.Combine(Root, "bundle");
    public string Config => Path.Combine(Bundle, "config.json");
    /// <summary>Where the ext4 disk is mounted; holds <c>upper/</c> and <c>work/</c>.</summary>
    public string DiskMount => Path.Combine(Root, "disk");
    public string Upper => Path.Combine(DiskMount, "upper");
    public string Work => Path.Combine(DiskMount, "work");
    /// <summary>Holds one idmapped, read-only view per image layer: <c>lower/0</c> is the bottom one.</summary>
    public string Lower => Path.Combine(Root, "lower");
    public string LowerOf(int index) => Path.Combine(Lower, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
    /// <summary>The overlay that is the container's root.</summary>
    public string Rootfs => Path.Combine(Root, "rootfs");
    /// <summary>Bind-mounted at /etc/resolv.conf when the workspace has a network.</summary>
    public string ResolvConf => Path.Combine(Root, "resolv.conf");
    public string ConsoleLog => Path.Combine(Root, "console.log");
    /// <summary>crun writes the container's init pid here (<c>--pid-file</c>).</summary>
    public string InitPidFile => Path.Combine(Bundle, "init.pid");
}
