using System.Diagnostics;

namespace Hearth.Runtime.Interop;

/// <summary>
/// An open file descriptor on a user namespace that maps 0..count-1 to host uids/gids
/// hostBase..hostBase+count-1; the input mount_setattr(2) needs for an idmapped mount.
/// A multithreaded process cannot unshare(CLONE_NEWUSER) itself, so a short-lived helper
/// (util-linux unshare) enters a fresh namespace, we write its maps as root
/// (user_namespaces(7), "Defining user and group ID mappings"), keep an fd, and end the helper:
/// the fd alone keeps the namespace alive.
/// </summary>
internal sealed class UserNamespace : IDisposable
{
    private UserNamespace(int fd) => Fd = fd;

    public int Fd { get; private set; }

    public static async Task<UserNamespace> CreateAsync(long hostBase, long count, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var argument in new[] { "--user", "--", "sleep", "60" })
            info.ArgumentList.Add(argument);
        using var helper = Process.Start(info) ?? throw new RuntimeException("userns_failed", "cannot start unshare");
        try
        {
            var ours = new FileInfo("/proc/self/ns/user").LinkTarget;
            var path = $"/proc/{helper.Id}/ns/user";
            var deadline = Stopwatch.StartNew();
            while (new FileInfo(path).LinkTarget == ours)
            {
                if (helper.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(5))
                    throw new RuntimeException("userns_failed", "unshare --user did not enter a new user namespace");
                await Task.Delay(1, cancellationToken);
            }
            var map = $"0 {hostBase} {count}\n";
            WriteMap($"/proc/{helper.Id}/uid_map", map);
            WriteMap($"/proc/{helper.Id}/gid_map", map);
            var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (fd < 0) throw new RuntimeException("userns_failed", $"open {path} failed");
            return new UserNamespace(fd);
        }
        finally
        {
            try { helper.Kill(); } catch (InvalidOperationException) { }
            await helper.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>The map must arrive in one write(2) at offset 0, exactly as user_namespaces(7) requires.</summary>
    private static void WriteMap(string path, string map)
    {
        var fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_CLOEXEC);
        if (fd < 0) throw new RuntimeException("userns_failed", $"open {path}: {Libc.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
        try
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(map);
            if (Libc.Write(fd, bytes, bytes.Length) != bytes.Length)
                throw new RuntimeException("userns_failed", $"write {path}: {Libc.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
        }
        finally { Libc.Close(fd); }
    }

    public void Dispose()
    {
        if (Fd >= 0) Libc.Close(Fd);
        Fd = -1;
    }
}
