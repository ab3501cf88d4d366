using System.Net;
using System.Net.Sockets;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// The addresses that reach this host or the networks it sits on rather than the internet:
/// unspecified and "this network" (0.0.0.0/8, ::; RFC 6890), loopback (127.0.0.0/8, ::1),
/// link-local (169.254.0.0/16 — where cloud metadata services answer — and fe80::/10), private
/// (RFC 1918 10/8, 172.16/12, 192.168/16; unique-local fc00::/7 of RFC 4193; the deprecated
/// site-local fec0::/10) and multicast (224.0.0.0/4, ff00::/8). An IPv4-mapped IPv6 address
/// (::ffff:a.b.c.d) is judged by its IPv4 address.
/// </summary>
internal static class OwnNetworks
{
    public static bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] is 0 or 10 or 127
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && (b[1] & 0xf0) == 16)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] & 0xf0) == 224;
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true; // nothing else is dialled; refuse what is not understood
        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        return address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xfe) == 0xfc;
    }
}
