namespace Hearth.Protocol.Agent;

/// <summary>One frame of the agent protocol: a kind, a stream id and a payload.</summary>
/// <param name="Kind">What the payload is.</param>
/// <param name="Stream">The stream it belongs to; 0 is the connection itself.</param>
/// <param name="Payload">At most <see cref="FrameCodec.MaxPayload"/> bytes.</param>
public readonly record struct Frame(FrameKind Kind, uint Stream, ReadOnlyMemory<byte> Payload);
