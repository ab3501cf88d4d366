using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hearth.Testing;

namespace Hearth.Agent.Tests.Infrastructure;

/// <summary>
/// The published agent as PID 1 of a real crun container, set up as hearthd does it: a busybox
/// rootfs, the agent and the libraries `ldd` lists for it bind-mounted read-only at
/// <c>/.hearth</c> and run through the copied loader, a tmpfs at <c>/.hearth-run</c>.
/// Everything it creates (folder, crun state, container, cgroups) goes on dispose, except the
/// host preparation in <see cref="PrepareHostAsync"/>, which hearthd does too and never undoes.
/// </summary>
/// <remarks>Needs root, crun and a static busybox; without them it throws, so tests fail rather than skip.</remarks>
public sealed partial class AgentContainer : IAsyncDisposable
{
    private const string Crun = "/usr/bin/crun";
    private const string Busybox = "/bin/busybox";
    private const string Hugetlb = "/sys/fs/cgroup/hugetlb";

    private readonly string _dir;
    private readonly Process _crun;

    private AgentContainer(string id, string dir, Process crun, int hostPid)
    {
        Id = id;
        _dir = dir;
        _crun = crun;
        HostPid = hostPid;
    }

    public string Id { get; }

    /// <summary>The agent's pid on the host.</summary>
    public int HostPid { get; }

    /// <summary>The agent's socket, reached through the container's root as hearthd reaches it.</summary>
    public string SocketPath => $"/proc/{HostPid}/root/.hearth-run/agent.sock";

    /// <summary>What the agent (and CMD) wrote to stdout and stderr.</summary>
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    private string LogPath => Path.Combine(_dir, "console.log");

    private string StateRoot => StateRootOf(_dir);

    /// <summary>Starts a container whose PID 1 is <c>hearth-agent init [-- command]</c> and waits for its socket.</summary>
    public static Task<AgentContainer> StartAsync(params string[] command) => StartAsync(command, waitForSocket: true);

    /// <summary>
    /// As <see cref="StartAsync(string[])"/>; without <paramref name="waitForSocket"/> it returns once crun has started PID 1.
    /// <paramref name="prepareRootfs"/>, if given, adds to the busybox rootfs (its path) what an image would bring (/etc/passwd).
    /// </summary>
    public static async Task<AgentContainer> StartAsync(string[] command, bool waitForSocket, Action<string>? prepareRootfs = null)
    {
        Check();
        await PrepareHostAsync();
        var id = "hearth-agent-test-" + Guid.NewGuid().ToString("N")[..10];
        var dir = Path.Combine(Path.GetTempPath(), id);
        Directory.CreateDirectory(dir);
        Process? crun = null;
        try
        {
            var bundle = await WriteBundleAsync(dir, command);
            prepareRootfs?.Invoke(Path.Combine(dir, "rootfs"));
            var pidFile = Path.Combine(dir, "pid");
            // crun's stdio becomes the container's; a file (not a pipe) lets crun run attached
            // without the test having to drain it.
            var script = $"exec {Crun} --root {StateRootOf(dir)} run --bundle {bundle} --pid-file {pidFile} {id} " +
                         $"</dev/null >{Path.Combine(dir, "console.log")} 2>&1";
            crun = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", script]) { UseShellExecute = false })!;

            int hostPid;
            var deadline = DateTime.UtcNow + Bounded.Container;
            while (true)
            {
                // crun writes the pid file before PID 1 runs, so it is there even if PID 1 has already ended.
                if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out hostPid))
                    break;
                if (crun.HasExited)
                    throw new InvalidOperationException($"crun run exited with {crun.ExitCode}: {ReadOrEmpty(Path.Combine(dir, "console.log"))}");
                if (DateTime.UtcNow > deadline) throw new TimeoutException("the container did not start");
                await Task.Delay(20);
            }

            var container = new AgentContainer(id, dir, crun, hostPid);
            if (waitForSocket) await container.WaitForSocketAsync();
            return container;
        }
        catch
        {
            await CleanUpAsync(id, dir, crun);
            throw;
        }
    }

    /// <summary>Connects to the agent and completes the hello handshake.</summary>
    public async Task<AgentClient> ConnectAsync()
    {
        var client = await AgentClient.ConnectAsync(SocketPath);
        var hello = await client.HelloAsync();
        Assert.Equal("hello", hello.Op);
        return client;
    }

    /// <summary>Resident memory (VmRSS, KiB) and thread count of the agent, from /proc.</summary>
    /// <summary>
    /// PID 1's memory: all of it (VmRSS), and its private part (RssAnon: heap, stacks) without
    /// the pages of its binary (RssFile), which the page cache shares between every workspace
    /// (they all run the same file from /.hearth) and which grow as more of the code is used.
    /// </summary>
    public (long RssKiB, int Threads, long AnonKiB) ReadFootprint()
    {
        var status = File.ReadAllText($"/proc/{HostPid}/status");
        long Field(string name) => long.Parse(StatusField().Match(status, status.IndexOf(name, StringComparison.Ordinal)).Groups[1].Value);
        return (Field("VmRSS:"), (int)Field("Threads:"), Field("RssAnon:"));
    }

    /// <summary>Waits for PID 1 to end and returns the container's exit code (crun run's).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        await _crun.WaitForExitAsync().Within(timeout ?? Bounded.Container);
        return _crun.ExitCode;
    }

    /// <summary>crun kill with <paramref name="signal"/> (a name such as TERM, or a number).</summary>
    public async Task KillAsync(string signal)
    {
        var result = await Command.RunAsync(Crun, ["--root", StateRoot, "kill", Id, signal], Bounded.Request);
        Assert.True(result.ExitCode == 0, $"crun kill {signal}: {result}");
    }

    public async ValueTask DisposeAsync() => await CleanUpAsync(Id, _dir, _crun);

    private static string StateRootOf(string dir) => Path.Combine(dir, "crun-state");

    private static void Check()
    {
        var uid = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1];
        if (uid != "0")
            throw new InvalidOperationException("these tests run the agent in real crun containers and must run as root");
        var agent = Path.Combine(RepositoryPaths.Bin, "hearth-agent");
        if (!File.Exists(agent))
            throw new InvalidOperationException($"{agent} is missing: run scripts/publish.sh first (or set HEARTH_BIN)");
        foreach (var tool in new[] { Crun, Busybox, "/usr/bin/ldd" })
            if (!File.Exists(tool))
                throw new InvalidOperationException($"{tool} is missing (scripts/setup-host.sh installs it)");
    }

    /// <summary>
    /// On a hybrid cgroup host where cgroup2 still owns hugetlb, crun 1.8 refuses to run until a
    /// v1 hugetlb hierarchy takes it: what hearthd's HostPreparation does once per boot. It stays
    /// mounted, as hearthd leaves it: a hearthd of the integration tests, running beside these
    /// tests, may have found it mounted and put its workspaces' cgroups in it.
    /// </summary>
    private static async Task PrepareHostAsync()
    {
        if (!Directory.Exists("/sys/fs/cgroup/unified")) return;
        if ((await Command.RunAsync("mountpoint", ["-q", Hugetlb])).ExitCode == 0) return;
        Directory.CreateDirectory(Hugetlb);
        var mount = await Command.RunAsync("mount", ["-t", "cgroup", "-o", "hugetlb", "cgroup", Hugetlb]);
        Assert.True(mount.ExitCode == 0, $"mount hugetlb: {mount}");
    }

    private static async Task<string> WriteBundleAsync(string dir, string[] command)
    {
        // rootfs: busybox and a link per applet; mount points for what the config mounts.
        var rootfs = Path.Combine(dir, "rootfs");
        foreach (var sub in new[] { "bin", "tmp", "proc", "dev", "sys", ".hearth", ".hearth-run" })
            Directory.CreateDirectory(Path.Combine(rootfs, sub));
        File.Copy(Busybox, Path.Combine(rootfs, "bin", "busybox"));
        var applets = await Command.RunAsync(Busybox, ["--list"]);
        foreach (var applet in applets.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (applet != "busybox")
                File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");

        // /.hearth: bin/hearth-agent and lib/ with the loader under the name the command uses.
        var agent = Path.Combine(RepositoryPaths.Bin, "hearth-agent");
        var hearth = Path.Combine(dir, "hearth");
        Directory.CreateDirectory(Path.Combine(hearth, "bin"));
        Directory.CreateDirectory(Path.Combine(hearth, "lib"));
        File.Copy(agent, Path.Combine(hearth, "bin", "hearth-agent"));
        var ldd = await Command.RunAsync("/usr/bin/ldd", [agent]);
        foreach (Match match in LibraryPath().Matches(ldd.Stdout))
        {
            var library = match.Groups["path"].Value;
            var name = Path.GetFileName(library).StartsWith("ld-linux", StringComparison.Ordinal) ? "ld-linux-x86-64.so.2" : Path.GetFileName(library);
            File.Copy(library, Path.Combine(hearth, "lib", name), overwrite: true);
        }

        var spec = Path.Combine(dir, "spec");
        Directory.CreateDirectory(spec);
        var made = await Command.RunAsync(Crun, ["spec", "--bundle", spec]);
        Assert.True(made.ExitCode == 0, $"crun spec: {made}");
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(spec, "config.json")))!.AsObject();
        var args = new JsonArray("/.hearth/lib/ld-linux-x86-64.so.2", "--library-path", "/.hearth/lib", "/.hearth/bin/hearth-agent", "init");
        if (command.Length > 0)
        {
            args.Add("--");
            foreach (var arg in command) args.Add(arg);
        }

        config["process"]!["terminal"] = false;
        config["process"]!["args"] = args;
        // hearthd's set (Docker's default, Runtime/Containers/OciSpec.cs) rather than crun spec's
        // three: `run-as` needs CAP_SETUID and CAP_SETGID to become the image's user.
        config["process"]!["capabilities"] = new JsonObject
        {
            ["bounding"] = Capabilities(),
            ["effective"] = Capabilities(),
            ["permitted"] = Capabilities(),
        };
        config["root"] = new JsonObject { ["path"] = rootfs, ["readonly"] = false };
        var mounts = config["mounts"]!.AsArray();
        mounts.Add(new JsonObject
        {
            ["destination"] = "/.hearth",
            ["type"] = "bind",
            ["source"] = hearth,
            ["options"] = new JsonArray("rbind", "ro"),
        });
        mounts.Add(new JsonObject
        {
            ["destination"] = "/.hearth-run",
            ["type"] = "tmpfs",
            ["source"] = "tmpfs",
            ["options"] = new JsonArray("nosuid", "nodev", "noexec", "mode=0700", "size=1m"),
        });
        var bundle = Path.Combine(dir, "bundle");
        Directory.CreateDirectory(bundle);
        await File.WriteAllTextAsync(Path.Combine(bundle, "config.json"), config.ToJsonString());
        return bundle;
    }

    private static JsonArray Capabilities() => new(
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
        "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private async Task WaitForSocketAsync()
    {
        var deadline = DateTime.UtcNow + Bounded.Container;
        while (!File.Exists(SocketPath))
        {
            if (_crun.HasExited) throw new InvalidOperationException($"the container exited with {_crun.ExitCode}: {Log}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no agent socket at {SocketPath}: {Log}");
            await Task.Delay(20);
        }
    }

    private static async Task CleanUpAsync(string id, string dir, Process? crun)
    {
        var state = StateRootOf(dir);
        if (crun is not null)
        {
            if (!crun.HasExited)
            {
                await Command.RunAsync(Crun, ["--root", state, "kill", id, "KILL"], Bounded.Request);
                try
                {
                    await crun.WaitForExitAsync().Within(Bounded.Container);
                }
                catch (TimeoutException)
                {
                    crun.Kill();
                }
            }

            crun.Dispose();
        }

        await Command.RunAsync(Crun, ["--root", state, "delete", "--force", id], Bounded.Request);
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A mount still busy: leave the folder rather than fail a test in its cleanup.
        }
    }

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
    [GeneratedRegex(@"(?:=>\s*)?(?<path>/\S+)\s+\(0x", RegexOptions.Multiline)]
    private static partial Regex LibraryPath();

    [GeneratedRegex(@"\s(\d+)")]
    private static partial Regex StatusField();
}
