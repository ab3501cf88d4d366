using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>Looks at a workspace from the host, the way an operator would: crun state, /proc, cgroupfs, the data dir.</summary>
internal static class HostProbe
{
    /// <summary>The container's init pid, from <c>crun --root &lt;data&gt;/run/crun state &lt;id&gt;</c>.</summary>
    public static async Task<int> InitPidAsync(HearthdInstance hearthd, string id)
    {
        var state = await Command.RunAsync("crun", ["--root", hearthd.CrunRoot, "state", id]).Within();
        Assert.True(state.ExitCode == 0, $"crun state {id}: {state}");
        using var json = JsonDocument.Parse(state.Stdout);
        var pid = json.RootElement.GetProperty("pid").GetInt32();
        Assert.True(pid > 0, $"crun state {id} has no pid: {state.Stdout}");
        return pid;
    }

    /// <summary>The real uid of a host process (first field of <c>Uid:</c> in /proc/PID/status).</summary>
    public static long HostUidOf(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return long.Parse(line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>The owner uid of a host file, from stat(1).</summary>
    public static async Task<long> OwnerUidAsync(string path)
    {
        var stat = await Command.RunAsync("stat", ["-c", "%u", path]).Within();
        Assert.True(stat.ExitCode == 0, $"stat {path}: {stat}");
        return long.Parse(stat.Stdout.Trim(), CultureInfo.InvariantCulture);
    }

    public static string CgroupDir(string controller, string id) => Path.Combine("/sys/fs/cgroup", controller, "hearth", id);

    public static string ReadCgroup(string controller, string id, string file) =>
        File.ReadAllText(Path.Combine(CgroupDir(controller, id), file)).Trim();

    /// <summary>A value of a flat-keyed cgroup file such as pids.events (<c>max 12</c>).</summary>
    public static long ReadCgroupKey(string controller, string id, string file, string key)
    {
        foreach (var line in ReadCgroup(controller, id, file).Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key) return long.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        throw new Xunit.Sdk.XunitException($"{file} of {id} has no '{key}'");
    }

    public static string WorkspaceDir(HearthdInstance hearthd, string id) => Path.Combine(hearthd.DataDir, "workspaces", id);

    /// <summary>A path inside the running workspace's root, seen from the host (the overlay mount).</summary>
    public static string InRootfs(HearthdInstance hearthd, string id, string path) =>
        Path.Combine(WorkspaceDir(hearthd, id), "rootfs", path.TrimStart('/'));

    public static string DiskFile(HearthdInstance hearthd, string id) => Path.Combine(hearthd.DataDir, "disks", id + ".ext4");

    /// <summary>Folders under <c>&lt;data&gt;/workspaces</c>, by name.</summary>
    public static IReadOnlyList<string> WorkspaceFolders(HearthdInstance hearthd)
    {
        var dir = Path.Combine(hearthd.DataDir, "workspaces");
        return Directory.Exists(dir) ? Directory.EnumerateFileSystemEntries(dir).Select(e => Path.GetFileName(e)).Order().ToList() : [];
    }

    /// <summary>Total size and free space of <c>/</c> inside a workspace, in MiB, from <c>df -m /</c>.</summary>
    public static async Task<(long TotalMb, long AvailableMb)> DfAsync(HearthdInstance hearthd, string id)
    {
        var df = await hearthd.ShAsync(id, "df -m / | tail -n 1").Within();
        Assert.True(df.ExitCode == 0, $"df: {df}");
        var fields = df.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds; fails with the last value after <paramref name="timeout"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<T> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = default(T);
        Exception? lastError = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                last = probe();
                lastError = null;
                if (done(last)) return last;
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                lastError = e;
            }
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"{what}: not reached within {timeout.TotalSeconds} s (last value: {last}{(lastError is null ? "" : $", last error: {lastError.Message}")})");
    }
}
