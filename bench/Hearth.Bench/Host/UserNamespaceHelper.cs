using System.Diagnostics;
using System.Text;

namespace Hearth.Bench.Host;

/// <summary>
/// hearthd's way to get a user namespace fd for an idmapped mount (UserNamespace.cs): spawn
/// <c>unshare --user -- sleep 60</c>, poll until its /proc/PID/ns/user differs from ours, write
/// the maps, open the ns, kill and reap the helper. Timed in two parts: until the fd is open,
/// and the kill + reap that follows.
/// </summary>
internal sealed class UserNamespaceHelper : IDisposable
{
    private UserNamespaceHelper(int fd) => Fd = fd;

    public int Fd { get; private set; }
    public TimeSpan UntilFd { get; private init; }
    public TimeSpan KillAndReap { get; private init; }

    public static async Task<UserNamespaceHelper> CreateAsync(long hostBase, long count, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var info = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var argument in new[] { "--user", "--", "sleep", "60" }) info.ArgumentList.Add(argument);
        using var helper = Process.Start(info) ?? throw new BenchException("cannot start unshare");
        var fd = -1;
        TimeSpan untilFd;
        try
        {
            var ours = new FileInfo("/proc/self/ns/user").LinkTarget;
            var path = $"/proc/{helper.Id}/ns/user";
            while (new FileInfo(path).LinkTarget == ours)
            {
                if (helper.HasExited || clock.Elapsed > TimeSpan.FromSeconds(5))
                    throw new BenchException("unshare --user did not enter a new user namespace");
                await Task.Delay(1, cancellationToken);
            }
            var map = Encoding.ASCII.GetBytes($"0 {hostBase} {count}\n");
            foreach (var file in new[] { "uid_map", "gid_map" })
            {
                var mapFd = Native.Open($"/proc/{helper.Id}/{file}", Native.O_WRONLY | Native.O_CLOEXEC);
                Native.Check(mapFd, $"open {file}");
                try { Native.Check(Native.Write(mapFd, map, map.Length), $"write {file}"); }
                finally { Native.Close(mapFd); }
            }
            fd = Native.Open(path, Native.O_RDONLY | Native.O_CLOEXEC);
            Native.Check(fd, $"open {path}");
            untilFd = clock.Elapsed;
        }
        catch
        {
            if (fd >= 0) Native.Close(fd);
            throw;
        }
        finally
        {
            try { helper.Kill(); } catch (InvalidOperationException) { }
            await helper.WaitForExitAsync(CancellationToken.None);
        }
        return new UserNamespaceHelper(fd) { UntilFd = untilFd, KillAndReap = clock.Elapsed - untilFd };
    }

    public void Dispose()
    {
        if (Fd >= 0) Native.Close(Fd);
        Fd = -1;
    }
}
