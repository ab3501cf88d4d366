using Hearth.Runtime.Interop;
using Microsoft.Extensions.Logging;

namespace Hearth.Runtime.Host;

/// <summary>
/// Makes this host able to run workspaces, once per daemon start, and says exactly what is
/// missing when it cannot.
/// </summary>
internal static partial class HostPreparation
{
    private static readonly string[] RequiredTools = ["crun", "mkfs.ext4", "e2fsck", "resize2fs", "unshare", "ldd"];

    public static async Task PrepareAsync(ILogger logger, CancellationToken cancellationToken = default)
    {
        if (Libc.Geteuid() != 0)
            throw new RuntimeException("host_not_ready", "hearthd must run as root (it creates namespaces, cgroups and mounts)");

        var missing = RequiredTools.Where(tool => !OnPath(tool)).ToList();
        if (missing.Count > 0)
            throw new RuntimeException("host_not_ready",
                $"missing host tools: {string.Join(", ", missing)} (run scripts/install.sh, or apt-get install crun e2fsprogs util-linux)");
        if (!File.Exists("/dev/loop-control"))
            throw new RuntimeException("host_not_ready", "/dev/loop-control is missing: the kernel has no loop device support");

        await MoveControllersOffUnifiedAsync(logger, cancellationToken);
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

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':')
            .Concat(["/usr/sbin", "/sbin"]).Any(dir => File.Exists(Path.Combine(dir, tool)));

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "moved cgroup controller {Controller} from cgroup2 to a v1 hierarchy (crun needs this on hybrid hosts)")]
    private static partial void LogMovedController(ILogger logger, string controller);
}
