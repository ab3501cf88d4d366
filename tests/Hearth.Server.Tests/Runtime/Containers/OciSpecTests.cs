using System.Text.Json.Nodes;
using Hearth.Runtime;
using Hearth.Runtime.Containers;

namespace Hearth.Server.Tests.Runtime.Containers;

/// <summary>The config.json of a workspace: user namespace, limits, mounts, and nothing of the host's devices.</summary>
public sealed class OciSpecTests
{
    private static readonly DriverOptions Options = new()
    {
        DataDir = "/var/lib/hearth",
        DiskPoolDir = "/var/lib/hearth/disks",
        CrunRoot = "/var/lib/hearth/run/crun",
        AgentDir = "/var/lib/hearth/agent/current",
    };

    private static readonly WorkspaceSpec Spec = new()
    {
        Id = "ws_abcdefghij",
        Hostname = "my-box",
        ImageLayers = ["/var/lib/hearth/images/layers/aa/tree"],
        UidBase = 100_131_072,
        Limits = new ResourceLimits(Cpus: 3, MemoryMb: 768, PidsLimit: 321),
        DiskSizeMb = 1024,
        Env = new Dictionary<string, string> { ["A"] = "1", ["PATH"] = "/custom/bin" },
        Cmd = ["/bin/sleep", "100"],
    };

    private static JsonNode Render(WorkspaceSpec? spec = null, bool swap = true)
    {
        spec ??= Spec;
        return JsonNode.Parse(OciSpec.Render(spec, new WorkspacePaths(Options, spec.Id), Options, swap))!;
    }

    [Fact]
    public void Uid_and_gid_0_inside_map_to_the_workspace_range_on_the_host()
    {
        var linux = Render()["linux"]!;

        foreach (var map in new[] { "uidMappings", "gidMappings" })
        {
            var entry = Assert.Single(linux[map]!.AsArray())!;
            Assert.Equal(0, entry["containerID"]!.GetValue<long>());
            Assert.Equal(100_131_072, entry["hostID"]!.GetValue<long>());
            Assert.Equal(65536, entry["size"]!.GetValue<long>());
        }
        var namespaces = linux["namespaces"]!.AsArray().Select(n => n!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(new[] { "cgroup", "ipc", "mount", "network", "pid", "user", "uts" }, namespaces.Order());
        Assert.All(linux["namespaces"]!.AsArray(), n => Assert.Null(n!["path"])); // never joins a host namespace
    }

    [Fact]
    public void A_networked_workspace_gets_its_resolv_conf_read_only_and_the_others_keep_the_images()
    {
        static JsonNode? ResolvMount(JsonNode config) =>
            config["mounts"]!.AsArray().SingleOrDefault(m => m!["destination"]!.GetValue<string>() == "/etc/resolv.conf");
        var paths = new WorkspacePaths(Options, Spec.Id);

        var mount = ResolvMount(JsonNode.Parse(OciSpec.Render(Spec, paths, Options, true, paths.ResolvConf))!);

        Assert.NotNull(mount);
        Assert.Equal(paths.ResolvConf, mount["source"]!.GetValue<string>());
        // On the host's disk, outside the workspace's quota: a writable bind would let it fill the host.
        Assert.Contains("ro", mount["options"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Null(ResolvMount(Render()));
    }

    [Fact]
    public void Cgroup_limits_are_the_spec_values()
    {
        var resources = Render()["linux"]!["resources"]!;

        Assert.Equal(300_000, resources["cpu"]!["quota"]!.GetValue<long>());
        Assert.Equal(100_000, resources["cpu"]!["period"]!.GetValue<long>());
        Assert.Equal(768L * 1024 * 1024, resources["memory"]!["limit"]!.GetValue<long>());
        Assert.Equal(768L * 1024 * 1024, resources["memory"]!["swap"]!.GetValue<long>()); // memory+swap = memory: no swap
        Assert.Equal(321, resources["pids"]!["limit"]!.GetValue<long>());
        Assert.Equal("/hearth/ws_abcdefghij", Render()["linux"]!["cgroupsPath"]!.GetValue<string>());
    }

    [Fact]
    public void Without_swap_accounting_no_swap_limit_is_written()
    {
        var memory = Render(swap: false)["linux"]!["resources"]!["memory"]!.AsObject();

        Assert.False(memory.ContainsKey("swap"));
        Assert.Equal(768L * 1024 * 1024, memory["limit"]!.GetValue<long>());
    }

    [Fact]
    public void No_host_device_is_given_or_allowed()
    {
        var linux = Render()["linux"]!.AsObject();

        Assert.True(!linux.ContainsKey("devices") || linux["devices"]!.AsArray().Count == 0);
        var rule = Assert.Single(linux["resources"]!["devices"]!.AsArray())!;
        Assert.False(rule["allow"]!.GetValue<bool>());
        Assert.Equal("rwm", rule["access"]!.GetValue<string>());
        Assert.Null(rule["major"]);
        var mounts = Render()["mounts"]!.AsArray();
        Assert.DoesNotContain(mounts, m => m!["source"]!.GetValue<string>().StartsWith("/dev/", StringComparison.Ordinal));
        Assert.DoesNotContain(mounts, m => m!["destination"]!.GetValue<string>() == "/dev" && m["type"]!.GetValue<string>() != "tmpfs");
    }

    [Fact]
    public void The_agent_folder_is_the_only_bind_mount_and_it_is_read_only()
    {
        var mounts = Render()["mounts"]!.AsArray();
        static bool IsBind(JsonNode m) => m["options"]!.AsArray().Any(o => o!.GetValue<string>() is "bind" or "rbind") || m["type"]!.GetValue<string>() == "bind";

        var bind = Assert.Single(mounts, m => IsBind(m!))!;

        Assert.Equal("/.hearth", bind["destination"]!.GetValue<string>());
        Assert.Equal(Options.AgentDir, bind["source"]!.GetValue<string>());
        var options = bind["options"]!.AsArray().Select(o => o!.GetValue<string>()).ToList();
        Assert.Contains("ro", options);
        Assert.Contains("nosuid", options);
        Assert.Contains("nodev", options);
        var sys = Assert.Single(mounts, m => m!["destination"]!.GetValue<string>() == "/sys")!;
        Assert.Contains("ro", sys["options"]!.AsArray().Select(o => o!.GetValue<string>()));
    }

    [Fact]
    public void The_root_is_the_workspace_overlay_and_the_process_is_the_agent_init_running_the_cmd()
    {
        var config = Render();

        Assert.Equal("/var/lib/hearth/workspaces/ws_abcdefghij/rootfs", config["root"]!["path"]!.GetValue<string>());
        Assert.Equal("my-box", config["hostname"]!.GetValue<string>());
        var args = config["process"]!["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal(["/.hearth/lib/ld-linux-x86-64.so.2", "--library-path", "/.hearth/lib", "/.hearth/bin/hearth-agent", "init", "--", "/bin/sleep", "100"], args);
        Assert.Equal(0, config["process"]!["user"]!["uid"]!.GetValue<int>());
    }

    [Fact]
    public void Without_a_cmd_the_agent_runs_alone()
    {
        var args = Render(Spec with { Cmd = [] })["process"]!["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();

        Assert.Equal("init", args[^1]);
    }

    [Fact]
    public void The_spec_env_overrides_the_defaults_and_names_the_workspace()
    {
        var env = Render()["process"]!["env"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();

        Assert.Contains("A=1", env);
        Assert.Contains("PATH=/custom/bin", env);
        Assert.Single(env, e => e.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.Contains("HEARTH_WORKSPACE_ID=ws_abcdefghij", env);
        Assert.Contains("HOSTNAME=my-box", env);
    }

    [Fact]
    public void The_image_env_lies_under_the_workspace_env_and_never_reaches_the_loader_or_hearths_names()
    {
        var spec = Spec with
        {
            ImageConfig = new Hearth.Runtime.Images.ImageConfig
            {
                Env = ["A=from-image", "B=2", "LD_PRELOAD=/usr/lib/libjemalloc.so.2", "LD_AUDIT=x", "HEARTH_WORKSPACE_ID=spoofed", "HOSTNAME=spoofed"],
            },
        };

        var env = Render(spec)["process"]!["env"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();

        Assert.Contains("A=1", env);
        Assert.Contains("B=2", env);
        Assert.DoesNotContain(env, e => e.StartsWith("LD_", StringComparison.Ordinal));
        Assert.Contains("HEARTH_WORKSPACE_ID=ws_abcdefghij", env);
        Assert.Contains("HOSTNAME=my-box", env);
    }

    [Fact]
    public void The_image_command_runs_as_its_user_in_its_workdir_through_run_as_unless_the_workspace_names_one()
    {
        var image = new Hearth.Runtime.Images.ImageConfig { Entrypoint = ["/entry"], Cmd = ["serve"], User = "postgres", WorkingDir = "/srv" };
        string[] Args(WorkspaceSpec spec) => Render(spec)["process"]!["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToArray();

        var own = Args(Spec with { ImageConfig = image, Cmd = [] });
        Assert.Equal(["run-as", "--user", "postgres", "--workdir", "/srv", "--", "/entry", "serve"], own[^8..]);
        var given = Args(Spec with { ImageConfig = image });
        Assert.Equal(["--", "/bin/sleep", "100"], given[^3..]);
        Assert.Contains("run-as", given);
    }

    [Fact]
    public void Capabilities_are_dockers_default_set_without_sys_admin_and_a_seccomp_filter_is_set()
    {
        var config = Render();
        var bounding = config["process"]!["capabilities"]!["bounding"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();

        Assert.Equal(14, bounding.Count);
        Assert.DoesNotContain("CAP_SYS_ADMIN", bounding);
        Assert.DoesNotContain("CAP_SYS_MODULE", bounding);
        Assert.DoesNotContain("CAP_NET_ADMIN", bounding);
        Assert.NotNull(config["linux"]!["seccomp"]);
        Assert.Contains("/proc/kcore", config["linux"]!["maskedPaths"]!.AsArray().Select(p => p!.GetValue<string>()));
    }
}
