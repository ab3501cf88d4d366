using System.Buffers.Binary;

namespace Hearth.Protocol.Agent;

/// <summary>
/// Reads and writes agent protocol frames: <c>u32 length (big-endian) | u8 kind | u32 stream
/// (big-endian) | payload</c>. Shared by hearthd and the agent so both sides agree byte for byte.
/// </summary>
public static class FrameCodec
{
    /// <summary>The protocol version this build speaks.</summary>
    public const int Version = 1;

    /// <summary>Header bytes before each payload.</summary>
    public const int HeaderSize = 9;

    /// <summary>The largest payload a frame may carry (1 MiB); larger ends the connection.</summary>
    public const int MaxPayload = 1024 * 1024;

    /// <summary>Writes one frame; the caller serialises writers of one stream.</summary>
    public static async ValueTask WriteAsync(Stream output, Frame frame, CancellationToken cancellationToken = default)
    {
        if (frame.Payload.Length > MaxPayload)
            throw new ArgumentOutOfRangeException(nameof(frame), $"payload of {frame.Payload.Length} bytes is over {MaxPayload}");
        var header = new byte[HeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)frame.Payload.Length);
        header[4] = (byte)frame.Kind;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(5), frame.Stream);
        await output.WriteAsync(header, cancellationToken);
        if (!frame.Payload.IsEmpty)
            await output.WriteAsync(frame.Payload, cancellationToken);
    }

    /// <summary>Writes one frame synchronously (for the agent's plain threads).</summary>
    public static void Write(Stream output, Frame frame)
    {
        if (frame.Payload.Length > MaxPayload)
            throw new ArgumentOutOfRangeException(nameof(frame), $"payload of {frame.Payload.Length} bytes is over {MaxPayload}");
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)frame.Payload.Length);
        header[4] = (byte)frame.Kind;
        BinaryPrimitives.WriteUInt32BigEndian(header[5..], frame.Stream);
        output.Write(header);
        if (!frame.Payload.IsEmpty)
            output.Write(frame.Payload.Span);
    }

    /// <summary>Reads the next frame; null at a clean end of the stream.</summary>
    /// <exception cref="InvalidDataException">A truncated frame, an unknown kind or an oversized payload.</exception>
    public static async ValueTask<Frame?> ReadAsync(Stream input, CancellationToken cancellationToken = default)
    {
        var header = new byte[HeaderSize];
        var got = await ReadFullyAsync(input, header, cancellationToken);
        if (got == 0) return null;
        if (got < HeaderSize) throw new InvalidDataException("connection closed inside a frame header");
        var (kind, stream, length) = ParseHeader(header);
        var payload = new byte[length];
        if (await ReadFullyAsync(input, payload, cancellationToken) < length)
            throw new InvalidDataException("connection closed inside a frame payload");
        return new Frame(kind, stream, payload);
    }

    /// <summary>Reads the next frame synchronously; null at a clean end of the stream.</summary>
    /// <exception cref="InvalidDataException">A truncated frame, an unknown kind or an oversized payload.</exception>
    public static Frame? Read(Stream input)
    {
        var header = new byte[HeaderSize];
        var got = ReadFully(input, header);
        if (got == 0) return null;
        if (got < HeaderSize) throw new InvalidDataException("connection closed inside a frame header");
        var (kind, stream, length) = ParseHeader(header);
        var payload = new byte[length];
        if (ReadFully(input, payload) < length)
            throw new InvalidDataException("connection closed inside a frame payload");
        return new Frame(kind, stream, payload);
    }

    private static (FrameKind Kind, uint Stream, int Length) ParseHeader(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > MaxPayload) throw new InvalidDataException($"frame payload of {length} bytes is over {MaxPayload}");
        var kind = (FrameKind)header[4];
        if (kind is < FrameKind.Control or > FrameKind.StdinClose) throw new InvalidDataException($"unknown frame kind {header[4]}");
        return (kind, BinaryPrimitives.ReadUInt32BigEndian(header[5..]), (int)length);
    }

    private static async ValueTask<int> ReadFullyAsync(Stream input, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await input.ReadAsync(buffer[total..], cancellationToken);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static int ReadFully(Stream input, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = input.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
