using Hearth.Runtime.Interop;
using Microsoft.Extensions.Logging;

namespace Hearth.Runtime.Host;

/// <summary>
/// Makes this host able to run workspaces, once per daemon start, and says exactly what is
/// missing when it cannot.
/// </summary>
internal static partial class HostPreparation
{
    private static readonly string[] RequiredTools = ["crun", "mkfs.ext4", "e2fsck", "resize2fs", "unshare", "ldd", "ip", "nft", "nsenter", "conntrack"];

    public static async Task PrepareAsync(ILogger logger, CancellationToken cancellationToken = default)
    {
        if (Libc.Geteuid() != 0)
            throw new RuntimeException("host_not_ready", "hearthd must run as root (it creates namespaces, cgroups and mounts)");

        var missing = RequiredTools.Where(tool => !OnPath(tool)).ToList();
        if (missing.Count > 0)
            throw new RuntimeException("host_not_ready",
                $"missing host tools: {string.Join(", ", missing)} (run scripts/install.sh, or apt-get install crun e2fsprogs util-linux iproute2 nftables conntrack)");
        if (!File.Exists("/dev/loop-control"))
            throw new RuntimeException("host_not_ready", "/dev/loop-control is missing: the kernel has no loop device support");

        await MoveControllersOffUnifiedAsync(logger, cancellationToken);
        FavorDynamicCgroupChanges(logger);
    }

    /// <summary>
    /// Every workspace start moves a process into fresh cgroups. On Linux 6.x that takes
    /// cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period (~11 ms measured
    /// here, half of a create) unless the `favordynmods` option keeps the semaphore in its slow
    /// reader mode (cgroup-v1/cgroups.rst, cgroup-v2.rst: "reduce the latencies of dynamic cgroup
    /// modifications such as task migrations ... at the cost of making hot path operations such
    /// as forks and exits more expensive"). The option is per hierarchy but the semaphore is
    /// global, so one empty named v1 hierarchy mounted with it serves the whole host.
    /// </summary>
    private static void FavorDynamicCgroupChanges(ILogger logger)
    {
        const string target = "/run/hearth/cgroup-fast-attach";
        if (File.ReadLines("/proc/self/mountinfo").Any(l => l.Contains(" " + target + " ", StringComparison.Ordinal)))
            return;
        if (File.Exists("/sys/fs/cgroup/cgroup.controllers"))
            return; // cgroup v2 only: the option belongs on the cgroup2 mount, left to the operator
        try
        {
            Directory.CreateDirectory(target);
            MountSyscalls.Mount("cgroup", target, "cgroup", "none,name=hearth-fast-attach,favordynmods");
            LogFavorDynmods(logger, target);
        }
        catch (RuntimeException e)
        {
            LogFavorDynmodsUnavailable(logger, e.Message); // older kernels: slower creates, nothing else
        }
    }

    /// <summary>
    /// On a hybrid cgroup host where cgroup2 still owns `hugetlb`, crun 1.8 refuses to run
    /// ("cgroups in hybrid mode not supported, drop all controllers from cgroupv2"). Mounting a
    /// v1 hugetlb hierarchy takes the controller away from cgroup2; it is needed once per boot.
    /// </summary>
    private static async Task MoveControllersOffUnifiedAsync(ILogger logger, CancellationToken cancellationToken)
    {
        const string unified = "/sys/fs/cgroup/unified/cgroup.controllers";
        if (!File.Exists(unified)) return;
        var controllers = (await File.ReadAllTextAsync(unified, cancellationToken)).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (controllers.Length == 0) return;
        foreach (var controller in controllers)
        {
            var target = $"/sys/fs/cgroup/{controller}";
            Directory.CreateDirectory(target);
            MountSyscalls.Mount("cgroup", target, "cgroup", controller);
            LogMovedController(logger, controller);
        }
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "mounted a favordynmods cgroup hierarchy at {Target}: faster cgroup attach for every workspace start")]
    private static partial void LogFavorDynmods(ILogger logger, string target);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "favordynmods is not available ({Reason}); workspace starts wait for an RCU grace period")]
    private static partial void LogFavorDynmodsUnavailable(ILogger logger, string reason);

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':')
            .Concat(["/usr/sbin", "/sbin"]).Any(dir => File.Exists(Path.Combine(dir, tool)));

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "moved cgroup controller {Controller} from cgroup2 to a v1 hierarchy (crun needs this on hybrid hosts)")]
    private static partial void LogMovedController(ILogger logger, string controller);
}
