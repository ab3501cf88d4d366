using System.Net.Sockets;
using Hearth.Agent.Init;

namespace Hearth.Agent.Server;

/// <summary>
/// The agent protocol's listening socket (docs/design/agent-protocol.md): accepts connections
/// from hearthd, any number, each served by a <see cref="Connection"/>, for as long as the
/// agent runs. It is an addition to the init, never a condition of it: if the socket cannot be
/// set up, the agent says so on stderr and runs the workspace without it.
/// </summary>
internal sealed class AgentServer
{
    /// <summary>Where hearthd dials: <c>/.hearth-run</c> is a tmpfs the OCI config mounts.</summary>
    public const string DefaultSocketPath = "/.hearth-run/agent.sock";

    private const int Backlog = 16;

    private readonly Socket _listener;
    private readonly Supervisor _supervisor;
    private readonly PipePump _pump;

    private AgentServer(Socket listener, Supervisor supervisor, PipePump pump)
    {
        _listener = listener;
        _supervisor = supervisor;
        _pump = pump;
    }

    /// <summary>
    /// Listens on <paramref name="path"/> and starts accepting on a thread of its own; returns
    /// false (after a message on stderr) if it cannot. Processes it starts are read by <paramref name="pump"/>.
    /// </summary>
    public static bool TryStart(string path, Supervisor supervisor, PipePump pump)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            var directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // A socket file outlives its listener (on a rootfs without the tmpfs, across
            // restarts), and bind(2) fails with EADDRINUSE while it exists.
            File.Delete(path);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            // bind(2) creates the file with the umask's mode; nobody can connect before listen(2).
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(Backlog);
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
        {
            StandardError.WriteLine($"agent socket disabled: {path}: {e.Message}");
            listener.Dispose();
            return false;
        }

        var server = new AgentServer(listener, supervisor, pump);
        var thread = new Thread(server.AcceptLoop) { IsBackground = true, Name = "hearth-accept" };
        thread.UnsafeStart();
        return true;
    }

    private void AcceptLoop()
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = _listener.Accept();
            }
            catch (SocketException e)
            {
                // EMFILE, ENFILE, ENOMEM: the workspace is short of something; try again later
                // rather than spin or give up on hearthd for good.
                StandardError.WriteLine($"accept: {e.Message}");
                Thread.Sleep(1000);
                continue;
            }

            Connection.Start(connection, _supervisor, _pump);
        }
    }
}
