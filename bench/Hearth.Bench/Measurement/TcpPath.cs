using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Hearth.Runtime.Network;

namespace Hearth.Bench.Measurement;

/// <summary>
/// TCP from one network namespace to another, measured from sockets the bench made inside them
/// (<see cref="NetworkNamespace.CreateSocket"/>: a socket belongs to the namespace of the thread
/// that made it, and keeps it whatever thread uses it). Two connections: a bulk one, written
/// in <see cref="WriteSize"/> chunks and drained by a receiving thread, and a ping-pong one
/// answered byte for byte by an echoing thread. All socket work is blocking, on threads of its
/// own, so no thread-pool scheduling is in the figures.
/// </summary>
internal sealed partial class TcpPath : IDisposable
{
    /// <summary>
    /// The calling thread (writes, pings) runs on CPU 0, the bulk receiver on CPU 1: a
    /// pipeline, as two workspaces on two cores would be. The echo thread shares CPU 0 with the
    /// pinging one, so a round trip is the path's own work plus two context switches, without
    /// cross-CPU wakeups: on this VM those cost 20-50 µs, depending on whether the other vCPU
    /// was idle, and buried the path's few µs.
    /// </summary>
    public const int ClientCpu = 0;
    public const int ReceiverCpu = 1;

    /// <summary>Each bulk write: 128 KiB.</summary>
    public const int WriteSize = 128 * 1024;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket bulkClient;
    private readonly Socket bulkServer;
    private readonly Socket pingClient;
    private readonly Socket pingServer;
    private readonly Thread receiver;
    private readonly Thread echo;
    private readonly byte[] chunk = new byte[WriteSize];
    private readonly ManualResetEventSlim drained = new();
    private long received;
    private long drainTarget = long.MaxValue;
    private long sent;

    private TcpPath(string name, Socket bulkClient, Socket bulkServer, Socket pingClient, Socket pingServer)
    {
        Name = name;
        (this.bulkClient, this.bulkServer, this.pingClient, this.pingServer) = (bulkClient, bulkServer, pingClient, pingServer);
        Random.Shared.NextBytes(chunk);
        receiver = new Thread(Receive) { IsBackground = true, Name = "tcp-receiver" };
        echo = new Thread(Echo) { IsBackground = true, Name = "tcp-echo" };
        receiver.Start();
        echo.Start();
    }

    public string Name { get; }

    /// <summary>Round trips of one byte each way, in ms (<see cref="PingPong"/>).</summary>
    public Samples RoundTrips { get; } = new("1-byte round trip");
    /// <summary>Bytes written and the wall time and bench CPU they took, over every <see cref="Send"/>.</summary>
    public long BulkBytes { get; private set; }
    public double BulkMs { get; private set; }
    public double BulkCpuMs { get; private set; }
    /// <summary>MB/s (10^6 bytes) of each <see cref="Send"/>, in the order run.</summary>
    public List<double> SliceMBps { get; } = [];

    public double MBps => BulkMs > 0 ? BulkBytes / 1e6 / (BulkMs / 1000) : double.NaN;

    /// <summary>Listens in <paramref name="server"/> on <paramref name="address"/>:<paramref name="port"/> and connects to it twice from <paramref name="client"/>.</summary>
    public static async Task<TcpPath> ConnectAsync(string name, NetworkNamespace client, NetworkNamespace server, IPAddress address, int port,
        CancellationToken cancellationToken = default)
    {
        using var listener = server.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(address, port));
        listener.Listen(4);
        async Task<(Socket Client, Socket Server)> PairAsync()
        {
            var socket = client.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token);
                var accepted = await listener.AcceptAsync(timeout.Token);
                // Ping-pong must not wait for Nagle or delayed ACKs (tcp(7) TCP_NODELAY).
                socket.NoDelay = accepted.NoDelay = true;
                return (socket, accepted);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new BenchException($"{name}: cannot connect to {address}:{port}: {e.Message}");
            }
        }
        var bulk = await PairAsync();
        var ping = await PairAsync();
        return new TcpPath(name, bulk.Client, bulk.Server, ping.Client, ping.Server);
    }

    /// <summary>
    /// Opens a connection from <paramref name="client"/> and closes it again; null when it was
    /// established, otherwise why not (a rejecting firewall answers a reset: ConnectionRefused).
    /// </summary>
    public static async Task<SocketError?> TryConnectAsync(NetworkNamespace client, IPAddress address, int port, TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        using var socket = client.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), limit.Token);
            return null;
        }
        catch (SocketException e) { return e.SocketErrorCode; }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { return SocketError.TimedOut; }
    }

    /// <summary>Untimed: 200 round trips and 200 ms of writes, so windows have grown and every code path has run once.</summary>
    public void WarmUp()
    {
        var one = new byte[1];
        for (var i = 0; i < 200; i++)
            RoundTrip(one);
        Write(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>
    /// Writes <see cref="WriteSize"/> chunks for <paramref name="duration"/>, then waits until the
    /// receiver has read the last byte: the slice's time runs from the first write to that read,
    /// so bytes still in flight when the writing stops are paid for.
    /// </summary>
    public void Send(TimeSpan duration)
    {
        var cpu = ProcessCpu.Read(Environment.ProcessId).Own;
        var (bytes, ms) = Write(duration);
        BulkBytes += bytes;
        BulkMs += ms;
        BulkCpuMs += ProcessCpu.Read(Environment.ProcessId).Own - cpu;
        SliceMBps.Add(bytes / 1e6 / (ms / 1000));
    }

    private (long Bytes, double Ms) Write(TimeSpan duration)
    {
        // No target while writing: the receiver must not signal the previous slice's target
        // between the Reset and the new target below.
        Volatile.Write(ref drainTarget, long.MaxValue);
        var start = Stopwatch.GetTimestamp();
        var stop = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var bytes = 0L;
        while (Stopwatch.GetTimestamp() < stop)
        {
            bulkClient.Send(chunk);
            bytes += chunk.Length;
        }
        sent += bytes;
        drained.Reset();
        Volatile.Write(ref drainTarget, sent);
        if (Interlocked.Read(ref received) < sent && !drained.Wait(TimeSpan.FromSeconds(30)))
            throw new BenchException($"{Name}: the receiver did not read the last bytes within 30 s");
        return (bytes, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    /// <summary><paramref name="count"/> round trips of one byte there and one back, each timed on its own.</summary>
    public void PingPong(int count)
    {
        var one = new byte[1];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            RoundTrip(one);
            RoundTrips.Add(Stopwatch.GetElapsedTime(start));
        }
    }

    private void RoundTrip(byte[] one)
    {
        pingClient.Send(one);
        if (pingClient.Receive(one) != 1)
            throw new BenchException($"{Name}: the echo connection closed");
    }

    /// <summary>
    /// Pins the calling thread to one CPU (sched_setaffinity(2) with pid 0: this thread), so
    /// that both paths run with the same placement: on two cores shared with other work, the
    /// scheduler otherwise sometimes put both ends on one core and sometimes not, and the plain
    /// pair's throughput came out at 2 or at 3.7-6.2 GB/s from run to run. No-op on one CPU.
    /// </summary>
    public static void PinCurrentThread(int cpu)
    {
        if (Environment.ProcessorCount <= cpu) return;
        var mask = 1UL << cpu;
        if (SchedSetaffinity(0, sizeof(ulong), ref mask) != 0)
            throw new BenchException($"sched_setaffinity to CPU {cpu} failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetaffinity(int pid, nuint size, ref ulong mask);

    private void Receive()
    {
        PinCurrentThread(ReceiverCpu);
        var buffer = new byte[256 * 1024];
        try
        {
            int n;
            while ((n = bulkServer.Receive(buffer)) > 0)
            {
                if (Interlocked.Add(ref received, n) >= Volatile.Read(ref drainTarget))
                    drained.Set();
            }
        }
        catch (SocketException) { } // closed by Dispose
        catch (ObjectDisposedException) { }
    }

    private void Echo()
    {
        PinCurrentThread(ClientCpu);
        var one = new byte[1];
        try
        {
            while (pingServer.Receive(one) == 1)
                pingServer.Send(one);
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        // Closing the client ends sees the server threads read end-of-stream and return.
        foreach (var socket in new[] { bulkClient, pingClient })
        {
            try { socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
            socket.Dispose();
        }
        receiver.Join(TimeSpan.FromSeconds(5));
        echo.Join(TimeSpan.FromSeconds(5));
        bulkServer.Dispose();
        pingServer.Dispose();
        drained.Dispose();
    }
}
