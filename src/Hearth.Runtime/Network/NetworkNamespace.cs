using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Hearth.Runtime.Interop;
using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Network;

/// <summary>
/// The network namespace that holds the workspaces' host side: the bridge with the gateway
/// address, every workspace's veth, the nftables table, the DNS and direct-access listeners.
/// Normally the host's own (<see cref="Path"/> null); a test, or an operator who wants Hearth's
/// network apart from the host's, names another. Programs are run in it through nsenter(1) and
/// sockets are made on a thread that entered it: a socket stays in the namespace it was made in.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private readonly BlockingCollection<Action> socketRequests = [];
    private readonly Thread? socketThread;
    private int threadId;

    public NetworkNamespace(string? path)
    {
        Path = path;
        if (path is null) return;
        if (!File.Exists(path))
            throw new RuntimeException("host_not_ready", $"network namespace {path} does not exist (create it with `ip netns add`)");
        using var entered = new ManualResetEventSlim();
        Exception? failure = null;
        socketThread = new Thread(() =>
        {
            try
            {
                Enter(path);
                threadId = Libc.Gettid();
            }
            catch (Exception e) { failure = e; }
            entered.Set();
            if (failure is not null) return;
            foreach (var request in socketRequests.GetConsumingEnumerable())
                request();
        })
        { IsBackground = true, Name = "hearth-netns" };
        socketThread.Start();
        entered.Wait();
        if (failure is not null) throw failure;
    }

    /// <summary>The namespace file (e.g. <c>/run/netns/hearth</c>); null for the host's own.</summary>
    public string? Path { get; }

    /// <summary>
    /// This namespace's <c>/proc/net/dev</c> (every interface's counters). /proc/PID/net shows the
    /// namespace of the thread it names (proc(5)), and only the namespace's thread is in this one,
    /// so any thread can read the namespace's counters through that thread's task directory.
    /// </summary>
    public string ProcNetDev => socketThread is null ? "/proc/self/net/dev" : $"/proc/self/task/{threadId}/net/dev";

    /// <summary>A name given to `hearthd --network-namespace`: a path, or a name under /run/netns.</summary>
    public static string? Resolve(string? nameOrPath) =>
        string.IsNullOrEmpty(nameOrPath) ? null : nameOrPath.Contains('/', StringComparison.Ordinal) ? nameOrPath : $"/run/netns/{nameOrPath}";

    /// <summary>The request, run inside this namespace.</summary>
    public ProcessRequest Wrap(ProcessRequest request) => Path is null ? request
        : request with { File = "nsenter", Arguments = [$"--net={Path}", "--", request.File, .. request.Arguments] };

    /// <summary>A socket of this namespace.</summary>
    public Socket CreateSocket(AddressFamily family, SocketType type, ProtocolType protocol)
    {
        if (socketThread is null) return new Socket(family, type, protocol);
        var made = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        socketRequests.Add(() =>
        {
            try { made.SetResult(new Socket(family, type, protocol)); }
            catch (Exception e) { made.SetException(e); }
        });
        return made.Task.GetAwaiter().GetResult();
    }

    private static void Enter(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        if (Namespaces.Setns((int)file.DangerousGetHandle(), Namespaces.CLONE_NEWNET) != 0)
            throw new RuntimeException("host_not_ready", $"cannot enter network namespace {path}: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    /// <summary>Lets the namespace's thread end (it may still be finishing a request: the collection is left to the GC).</summary>
    public void Dispose() => socketRequests.CompleteAdding();
}
