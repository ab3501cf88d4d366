using ARSoft.Tools.Net.Dns;

namespace Hearth.Server.Network.Dns;

/// <summary>
/// An upstream server's answer to a forwarded query: the bytes as it sent them (their
/// transaction ID is the resolver's, not the client's) and the library's reading of them.
/// </summary>
internal sealed record DnsUpstreamAnswer(byte[] Packet, DnsMessage Message);
