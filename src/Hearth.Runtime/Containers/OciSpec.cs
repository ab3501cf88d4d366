using System.Text.Json.Nodes;

namespace Hearth.Runtime.Containers;

/// <summary>
/// Renders the OCI runtime config (config.json) of a workspace. Starts from what `crun spec`
/// generates and tightens it: a private user namespace, cgroup limits, the agent at /.hearth.
/// </summary>
internal static class OciSpec
{
    /// <summary>Docker's default capability set (moby/oci/caps/defaults.go).</summary>
    private static readonly string[] Capabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
        "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    private static readonly string[] MaskedPaths =
    [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
        "/sys/firmware", "/sys/fs/selinux", "/sys/dev/block",
    ];

    private static readonly string[] ReadonlyPaths =
    [
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    ];

    public const long CpuPeriodMicros = 100_000;

    /// <summary>The agent's command line: it runs through its own loader and libraries, so it starts in any image.</summary>
    private static string[] Agent(string command) =>
        ["/.hearth/lib/ld-linux-x86-64.so.2", "--library-path", "/.hearth/lib", "/.hearth/bin/hearth-agent", command];

    // resolvConf: the workspace's /etc/resolv.conf on the host, bind-mounted read-only; null keeps the image's.
    public static string Render(WorkspaceSpec spec, WorkspacePaths paths, DriverOptions options, bool memorySwapSupported, string? resolvConf = null)
    {
        var env = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = "/root",
            ["TERM"] = "xterm",
        };
        // The image's env under the workspace's own, as docker run -e overrides ENV.
        foreach (var entry in spec.ImageConfig.Env)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0) env[entry[..equals]] = entry[(equals + 1)..];
        }
        foreach (var (key, value) in spec.Env)
            env[key] = value;
        // This environment is the agent's (PID 1) before it is its children's: what would make the
        // loader run foreign code inside the agent stays out (an image's jemalloc LD_PRELOAD would
        // load a library built for the image's libc into it), and Hearth's own names are Hearth's.
        foreach (var loaderHook in new[] { "LD_PRELOAD", "LD_AUDIT" })
            env.Remove(loaderHook);
        env["HOSTNAME"] = spec.Hostname;
        env["HEARTH_WORKSPACE_ID"] = spec.Id;

        var args = new JsonArray([.. Agent("init").Select(a => (JsonNode)a!)]);
        var command = spec.Cmd.Count > 0 ? spec.Cmd : spec.ImageConfig.DefaultCommand;
        if (command.Count > 0)
        {
            args.Add("--");
            // The agent stays root (PID 1); the image's user and working directory apply to its
            // main command, which the agent's run-as sets up before it execs the command.
            if (spec.ImageConfig.User is { Length: > 0 } || spec.ImageConfig.WorkingDir is { Length: > 0 })
            {
                foreach (var part in Agent("run-as")) args.Add(part);
                if (spec.ImageConfig.User is { Length: > 0 } user) { args.Add("--user"); args.Add(user); }
                if (spec.ImageConfig.WorkingDir is { Length: > 0 } workdir) { args.Add("--workdir"); args.Add(workdir); }
                args.Add("--");
            }
            foreach (var part in command) args.Add(part);
        }

        var memoryBytes = spec.Limits.MemoryMb * 1024L * 1024L;
        var memory = new JsonObject { ["limit"] = memoryBytes };
        if (memorySwapSupported) memory["swap"] = memoryBytes; // memory+swap = memory: no swap at all
        var idMap = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = spec.UidBase, ["size"] = WorkspaceSpec.UidRangeSize });

        var config = new JsonObject
        {
            ["ociVersion"] = "1.0.2",
            ["process"] = new JsonObject
            {
                ["terminal"] = false,
                ["user"] = new JsonObject { ["uid"] = 0, ["gid"] = 0 },
                ["args"] = args,
                ["env"] = new JsonArray(env.Select(kv => (JsonNode)JsonValue.Create($"{kv.Key}={kv.Value}")!).ToArray()),
                ["cwd"] = "/",
                ["capabilities"] = new JsonObject
                {
                    ["bounding"] = Strings(Capabilities),
                    ["effective"] = Strings(Capabilities),
                    ["permitted"] = Strings(Capabilities),
                },
                // No rlimits: inside the user namespace they cannot exceed hearthd's own, which the
                // workspace inherits (the .NET runtime raises its soft NOFILE limit to the hard one).
                ["noNewPrivileges"] = false,
            },
            ["root"] = new JsonObject { ["path"] = paths.Rootfs, ["readonly"] = false },
            ["hostname"] = spec.Hostname,
            ["mounts"] = Mounts(options, resolvConf),
            ["linux"] = new JsonObject
            {
                ["uidMappings"] = idMap,
                ["gidMappings"] = idMap.DeepClone(),
                ["namespaces"] = new JsonArray(new[] { "pid", "network", "ipc", "uts", "mount", "user", "cgroup" }
                    .Select(ns => (JsonNode)new JsonObject { ["type"] = ns }).ToArray()),
                ["resources"] = new JsonObject
                {
                    ["devices"] = new JsonArray(new JsonObject { ["allow"] = false, ["access"] = "rwm" }),
                    ["memory"] = memory,
                    ["cpu"] = new JsonObject { ["quota"] = spec.Limits.Cpus * CpuPeriodMicros, ["period"] = CpuPeriodMicros },
                    ["pids"] = new JsonObject { ["limit"] = spec.Limits.PidsLimit },
                },
                ["cgroupsPath"] = $"/{options.CgroupParent}/{spec.Id}",
                ["seccomp"] = SeccompProfile.Render(),
                ["maskedPaths"] = Strings(MaskedPaths),
                ["readonlyPaths"] = Strings(ReadonlyPaths),
            },
        };
        return config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonArray Mounts(DriverOptions options, string? resolvConf)
    {
        var mounts = BaseMounts(options);
        if (resolvConf is not null)
            // Read-only: the file lives on the host's data disk, outside the workspace's disk quota.
            mounts.Add(Mount("/etc/resolv.conf", "none", resolvConf, ["bind", "ro", "nosuid", "nodev", "noexec"]));
        return mounts;
    }

    private static JsonArray BaseMounts(DriverOptions options) =>
    [
        Mount("/proc", "proc", "proc", []),
        Mount("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
        Mount("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
        Mount("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
        Mount("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
        // The container owns its network namespace, so it may mount a sysfs of its own; read-only.
        Mount("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
        // With the cgroup namespace this shows the workspace its own cgroups and limits.
        Mount("/sys/fs/cgroup", "cgroup", "cgroup", ["nosuid", "noexec", "nodev", "relatime", "ro"]),
        Mount("/.hearth", "none", options.AgentDir, ["rbind", "ro", "nosuid", "nodev"]),
        // The agent's socket lives here (docs/design/agent-protocol.md): memory, not the host's disk.
        Mount("/.hearth-run", "tmpfs", "tmpfs", ["nosuid", "nodev", "noexec", "mode=0700", "size=1m"]),
    ];

    private static JsonObject Mount(string destination, string type, string source, string[] mountOptions) => new()
    {
        ["destination"] = destination,
        ["type"] = type,
        ["source"] = source,
        ["options"] = Strings(mountOptions),
    };

    private static JsonArray Strings(IEnumerable<string> values) =>
        new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
}
