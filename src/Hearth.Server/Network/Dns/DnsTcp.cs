using System.Buffers.Binary;
using System.Net.Sockets;

namespace Hearth.Server.Network.Dns;

/// <summary>DNS over TCP: each message behind a 2-byte big-endian length (RFC 1035 §4.2.2, RFC 7766 §8).</summary>
internal static class DnsTcp
{
    /// <summary>
    /// The next message; null when the peer closed the connection between two messages.
    /// Throws <see cref="EndOfStreamException"/> when it closed inside one.
    /// </summary>
    public static async Task<byte[]?> ReadMessageAsync(Socket socket, CancellationToken cancellationToken)
    {
        var prefix = new byte[2];
        if (!await ReadExactlyAsync(socket, prefix, cancellationToken))
            return null;
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        if (message.Length > 0 && !await ReadExactlyAsync(socket, message, cancellationToken))
            throw new EndOfStreamException("the connection closed inside a DNS message");
        return message;
    }

    /// <summary>Sends <paramref name="message"/> behind its length prefix.</summary>
    public static async Task WriteMessageAsync(Socket socket, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        // One buffer, one send: the prefix and the message leave in the same segment (RFC 7766 §8).
        ReadOnlyMemory<byte> rest = DnsWire.Frame(message.Span);
        while (!rest.IsEmpty)
            rest = rest[await socket.SendAsync(rest, SocketFlags.None, cancellationToken)..];
    }

    // False when the connection ends before the first byte; EndOfStreamException after it.
    private static async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None, cancellationToken);
            if (n == 0)
                return read == 0 ? false : throw new EndOfStreamException("the connection closed inside a DNS message");
            read += n;
        }
        return true;
    }
}
