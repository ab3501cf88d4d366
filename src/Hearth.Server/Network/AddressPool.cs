using System.Net;
using Hearth.Runtime.Network;

namespace Hearth.Server.Network;

/// <summary>Hands out workspace addresses: the lowest free one of the pool after the gateway.</summary>
internal static class AddressPool
{
    /// <summary>The lowest address of <paramref name="pool"/> not in <paramref name="used"/>; null when the pool is full.</summary>
    public static IPAddress? Next(IPNetwork pool, IReadOnlySet<string> used)
    {
        var first = Ipv4.ToUInt(pool.BaseAddress);
        var size = Ipv4.Size(pool);
        // Skip the network address and the gateway (+1); the last address is the broadcast.
        for (ulong offset = 2; offset + 1 < size; offset++)
        {
            var candidate = Ipv4.FromUInt(first + (uint)offset);
            if (!used.Contains(candidate.ToString())) return candidate;
        }
        return null;
    }
}
