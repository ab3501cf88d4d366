using System.Net.Sockets;
using System.Runtime.InteropServices;
using Hearth.Runtime.Interop;

namespace Hearth.Runtime.Agent;

/// <summary>
/// Connects to the agent's socket inside a workspace without trusting the workspace's file
/// tree: the path is resolved beneath the container's root with openat2(RESOLVE_IN_ROOT), so a
/// symlink planted by root inside is resolved as if chrooted and can never name a host socket
/// (docs/design/agent-protocol.md).
/// </summary>
internal static class AgentDialer
{
    public const string SocketPath = ".hearth-run/agent.sock";

    private const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    private const ulong RESOLVE_IN_ROOT = 0x10;
    private const int S_IFMT = 0xF000;
    private const int S_IFSOCK = 0xC000;

    public static async Task<Socket> ConnectAsync(int initPid, CancellationToken cancellationToken = default)
    {
        var root = Libc.Open($"/proc/{initPid}/root", Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (root < 0) throw Failure($"open /proc/{initPid}/root");
        int fd;
        try { fd = OpenBeneath(root, SocketPath); }
        finally { Libc.Close(root); }
        try
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint($"/proc/self/fd/{fd}"), cancellationToken);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    private static unsafe int OpenBeneath(int root, string path)
    {
        var how = new OpenHow { Flags = (ulong)(Libc.O_PATH | Libc.O_CLOEXEC), Resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
        var pathPtr = Marshal.StringToCoTaskMemUTF8(path);
        try
        {
            var fd = (int)Libc.Syscall(Libc.SYS_openat2, root, pathPtr, (nint)(&how), sizeof(OpenHow), 0);
            if (fd < 0) throw Failure($"openat2 {path} in the workspace");
            if (Libc.FstatMode(fd) is var mode and >= 0 && (mode & S_IFMT) != S_IFSOCK)
            {
                Libc.Close(fd);
                throw new RuntimeException("agent_unreachable", $"{path} in the workspace is not a socket");
            }
            return fd;
        }
        finally { Marshal.FreeCoTaskMem(pathPtr); }
    }

    private static RuntimeException Failure(string what) =>
        new("agent_unreachable", $"{what}: {Libc.Describe(Marshal.GetLastPInvokeError())}");

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }
}
