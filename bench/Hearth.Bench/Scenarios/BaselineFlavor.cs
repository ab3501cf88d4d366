namespace Hearth.Bench.Scenarios;

/// <summary>Which bare-crun configuration a baseline runs.</summary>
internal enum BaselineFlavor
{
    /// <summary><c>crun spec</c> as generated: pid, net, ipc, uts and mount namespaces, no limits.</summary>
    Bare,

    /// <summary>
    /// Closer to a workspace: adds a user namespace mapping 0 to an unprivileged host range (the
    /// rootfs copy is chowned to it) and a cgroup namespace, and sets hearthd's default limits
    /// (1 CPU, 512 MiB without swap, 1024 pids) under a cgroupsPath of ours.
    /// </summary>
    UsernsCgroups,
}
