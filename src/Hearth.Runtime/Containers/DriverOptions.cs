namespace Hearth.Runtime.Containers;

/// <summary>Where the container driver keeps things and which programs it uses.</summary>
internal sealed record DriverOptions
{
    /// <summary>Holds <c>workspaces/&lt;id&gt;/</c> (bundle, mount points, console log).</summary>
    public required string DataDir { get; init; }
    /// <summary>The pool directory of disk images, one <c>&lt;id&gt;.ext4</c> per workspace.</summary>
    public required string DiskPoolDir { get; init; }
    /// <summary>crun's state directory (<c>crun --root</c>); private to this instance.</summary>
    public required string CrunRoot { get; init; }
    /// <summary>Folder bind-mounted read-only at <c>/.hearth</c>: <c>bin/hearth-agent</c> and <c>lib/</c>.</summary>
    public required string AgentDir { get; init; }
    public string CrunPath { get; init; } = "crun";
    /// <summary>cgroup parent of every workspace, as in <c>cgroupsPath = /hearth/&lt;id&gt;</c>.</summary>
    public string CgroupParent { get; init; } = "hearth";
}
