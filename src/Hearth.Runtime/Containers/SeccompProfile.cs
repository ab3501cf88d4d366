using System.Text.Json.Nodes;

namespace Hearth.Runtime.Containers;

/// <summary>
/// The seccomp filter of every workspace: an allowlist, no looser than Docker's default profile
/// (moby/profiles/seccomp). Unknown and newer syscalls fail with ENOSYS (programs fall back, as
/// on an older kernel); the dangerous ones fail with EPERM, as in Docker: kernel keyrings, BPF,
/// perf, module loading, kexec, clock setting, mount and namespace creation (so the capability
/// checks of a nested user namespace are never the last line of defence), handle-based opens,
/// cross-process memory access, io_uring, and 32-bit entry points.
/// </summary>
internal static class SeccompProfile
{
    private const int EPERM = 1;
    private const int ENOSYS = 38;

    /// <summary>CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET (sched.h).</summary>
    private const long CloneNamespaceFlags = 0x7E020000;

    /// <summary>personality(2) values Docker allows: Linux, UNAME26, READ_IMPLIES_EXEC combos, and the query.</summary>
    private static readonly long[] Personalities = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

    /// <summary>Syscalls refused with EPERM; none of them is in <see cref="SyscallAllowList"/>.</summary>
    public static readonly string[] Blocked =
    [
        "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module", "delete_module", "finit_module",
        "get_kernel_syms", "get_mempolicy", "init_module", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load",
        "keyctl", "lookup_dcookie", "mbind", "mount", "move_pages", "name_to_handle_at", "nfsservctl",
        "open_by_handle_at", "perf_event_open", "pivot_root", "process_vm_readv", "process_vm_writev",
        "query_module", "quotactl", "reboot", "request_key", "set_mempolicy", "setns", "settimeofday", "swapon",
        "swapoff", "sysfs", "_sysctl", "umount2", "unshare", "uselib", "userfaultfd", "ustat", "fsopen", "fsconfig",
        "fsmount", "fspick", "open_tree", "move_mount", "mount_setattr", "syslog", "set_mempolicy_home_node",
        "memfd_secret", "io_uring_setup", "io_uring_enter", "io_uring_register",
    ];

    public static JsonObject Render()
    {
        var rules = new JsonArray
        {
            Rule(SyscallAllowList.Names, "SCMP_ACT_ALLOW"),
            // clone without namespace flags; clone3's flags live in a struct seccomp cannot read,
            // so it reports ENOSYS and libc falls back to clone.
            Rule(["clone"], "SCMP_ACT_ALLOW", args: [Arg(0, CloneNamespaceFlags, 0, "SCMP_CMP_MASKED_EQ")]),
            Rule(["clone3"], "SCMP_ACT_ERRNO", errno: ENOSYS),
            Rule(Blocked, "SCMP_ACT_ERRNO", errno: EPERM),
        };
        foreach (var persona in Personalities)
            rules.Add(Rule(["personality"], "SCMP_ACT_ALLOW", args: [Arg(0, persona, 0, "SCMP_CMP_EQ")]));
        return new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ERRNO",
            ["defaultErrnoRet"] = ENOSYS,
            // x86_64 only: 32-bit (x86, x32) entry points hit the default action.
            ["architectures"] = new JsonArray("SCMP_ARCH_X86_64"),
            ["syscalls"] = rules,
        };
    }

    private static JsonObject Rule(IEnumerable<string> names, string action, int? errno = null, JsonObject[]? args = null)
    {
        var rule = new JsonObject
        {
            ["names"] = new JsonArray(names.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
            ["action"] = action,
        };
        if (errno is { } e) rule["errnoRet"] = e;
        if (args is not null) rule["args"] = new JsonArray(args.Cast<JsonNode>().ToArray());
        return rule;
    }

    private static JsonObject Arg(int index, long value, long valueTwo, string op) =>
        new() { ["index"] = index, ["value"] = value, ["valueTwo"] = valueTwo, ["op"] = op };
}
