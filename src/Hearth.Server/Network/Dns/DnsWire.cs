using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using ARSoft.Tools.Net.Dns;

namespace Hearth.Server.Network.Dns;

/// <summary>
/// DNS messages to and from bytes. Parsing and encoding are ARSoft.Tools.Net's; the only bytes
/// touched here are the header's 16-bit ID (RFC 1035 §4.1.1) of a message relayed unchanged, and
/// the 2-byte length prefix of DNS over TCP (RFC 1035 §4.2.2, RFC 7766 §8).
/// </summary>
internal static class DnsWire
{
    /// <summary>The fixed header: ID, flags and four section counts (RFC 1035 §4.1.1).</summary>
    public const int HeaderLength = 12;

    /// <summary>The largest UDP answer to a query without EDNS (RFC 1035 §2.3.4).</summary>
    public const int ClassicUdpLimit = 512;

    /// <summary>The largest message: what a TCP length prefix can say.</summary>
    public const int MaxMessageLength = ushort.MaxValue;

    /// <summary>
    /// Parses <paramref name="data"/>; false for anything the library cannot read, whatever it
    /// throws (hostile input must never reach the caller as an exception).
    /// </summary>
    public static bool TryParse(byte[] data, int length, out DnsMessage message)
    {
        message = null!;
        if (length < HeaderLength)
            return false;
        try
        {
            message = DnsMessage.Parse(new ArraySegment<byte>(data, 0, length));
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>The message in wire format, encoded by the library.</summary>
    public static byte[] Encode(DnsMessage message) => EncodeWithLibrary(message).ToArraySegment(false).ToArray();

    /// <summary>A copy of <paramref name="message"/> with another transaction ID.</summary>
    public static byte[] WithTransactionId(ReadOnlySpan<byte> message, ushort id)
    {
        var copy = message.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(copy, id);
        return copy;
    }

    /// <summary><paramref name="message"/> behind its TCP length prefix, ready for one send.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        var framed = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed.AsSpan(2));
        return framed;
    }

    // ARSoft.Tools.Net 3.6.1 makes DnsMessage.Parse public but keeps its encoder
    // (DnsMessageBase.Encode()) for its own DnsServer/DnsClient transports, which open their own
    // sockets. The resolver must create every socket through hearthd's factory (another network
    // namespace), so it binds to that encoder directly: UnsafeAccessor is resolved by the runtime
    // against the exact signature, fails loudly (MissingMethodException) rather than silently if
    // a later version changes it, and the version is pinned in Directory.Packages.props.
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "Encode")]
    private static extern DnsRawPackage EncodeWithLibrary(DnsMessageBase message);
}
