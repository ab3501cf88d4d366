using System.Net;
using System.Net.Sockets;
using Hearth.Runtime.Network;
using Microsoft.AspNetCore.Connections.Features;

namespace Hearth.Server.RuntimeApi;

/// <summary>
/// Oblien's direct path to the runtime API: <c>http://&lt;workspace ip&gt;:9990</c> with the raw
/// token, from another workspace. nftables turns that address into this listener on the gateway
/// (a DNAT, after the caller passed the target's ingress rules); the address the caller dialled
/// survives as the connection's original destination, and only that workspace's raw token is
/// accepted on it (docs/design/api.md, "Direct access on port 9990").
/// </summary>
internal static class DirectAccess
{
    private const int SolIp = 0;
    private const int SoOriginalDst = 80;

    /// <summary>
    /// A listening socket on the gateway, made in the workspaces' network namespace, as a file
    /// descriptor for Kestrel (<c>ListenHandle</c>), which owns it from then on: the .NET socket
    /// lets go of it, so its finalizer can never close the listener under Kestrel.
    /// </summary>
    public static ulong ListenHandle(NetworkOptions options, NetworkNamespace netns)
    {
        var socket = netns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(options.Gateway, options.DirectAccessPort));
            socket.Listen(512);
            var handle = (ulong)socket.SafeHandle.DangerousGetHandle();
            socket.SafeHandle.SetHandleAsInvalid();
            return handle;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True when the request came in on the direct-access listener.</summary>
    public static bool IsDirect(HttpContext context, NetworkOptions options) =>
        context.Connection.LocalPort == options.DirectAccessPort && options.Gateway.Equals(context.Connection.LocalIpAddress);

    /// <summary>The workspace address the caller dialled (before the DNAT); null when it cannot be read.</summary>
    public static IPAddress? DialledAddress(HttpContext context)
    {
        if (context.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket) return null;
        Span<byte> sockaddr = stackalloc byte[16];
        try
        {
            if (socket.GetRawSocketOption(SolIp, SoOriginalDst, sockaddr) < 8) return null;
        }
        catch (SocketException)
        {
            return null; // not a NATed connection
        }
        return new IPAddress(sockaddr.Slice(4, 4));
    }
}
