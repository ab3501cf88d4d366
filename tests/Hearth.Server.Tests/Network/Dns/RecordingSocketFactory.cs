using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Hearth.Server.Tests.Network.Dns;

/// <summary>A socket factory that records what it made.</summary>
internal sealed class RecordingSocketFactory
{
    public ConcurrentQueue<(AddressFamily Family, SocketType Type, ProtocolType Protocol)> Made { get; } = new();

    public Socket Create(AddressFamily family, SocketType type, ProtocolType protocol)
    {
        Made.Enqueue((family, type, protocol));
        return new Socket(family, type, protocol);
    }

    public int Count(SocketType type) => Made.Count(m => m.Type == type);
}
