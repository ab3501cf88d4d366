using System.Net;

namespace Hearth.Runtime.Network;

/// <summary>How the workspaces' network is laid out on this host (docs/design/network.md).</summary>
internal sealed record NetworkOptions
{
    /// <summary>Every workspace address comes from here; the first address is the gateway.</summary>
    public required IPNetwork Pool { get; init; }
    /// <summary>The namespace of the host side (<see cref="NetworkNamespace"/>); null for the host's own.</summary>
    public string? NamespacePath { get; init; }
    /// <summary>Interface the workspaces' internet traffic leaves by (masqueraded); null: any non-workspace interface.</summary>
    public string? Uplink { get; init; }
    /// <summary>Resolvers the workspace DNS forwards to.</summary>
    public IReadOnlyList<IPEndPoint> DnsUpstreams { get; init; } = [];
    /// <summary>The port of the runtime API on every workspace address (Oblien's direct access).</summary>
    public int DirectAccessPort { get; init; } = 9990;

    /// <summary>The host's address on the workspaces' network: DNS and direct access answer here.</summary>
    public IPAddress Gateway => Ipv4.Add(Pool.BaseAddress, 1);

    /// <summary>The bridge that holds <see cref="Gateway"/> (it has no ports: every workspace is routed).</summary>
    public const string GatewayInterface = "hearth0";

    /// <summary>Host ends of workspace veths are named this plus the id's suffix ("hw-uj6jtme9xp").</summary>
    public const string VethPrefix = "hw-";

    /// <summary>The host end of a workspace's veth: at most 15 characters, unique per workspace id.</summary>
    public static string VethOf(string workspaceId)
    {
        var key = KeyOf(workspaceId);
        return (VethPrefix + key) is { Length: <= 15 } name ? name : VethPrefix + key[^12..];
    }

    /// <summary>The part of a workspace's id that names its veth and its nft chains (the id without <c>ws_</c>).</summary>
    public static string KeyOf(string workspaceId)
    {
        var key = workspaceId.StartsWith("ws_", StringComparison.Ordinal) ? workspaceId[3..] : workspaceId;
        if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ArgumentException($"workspace id '{workspaceId}' cannot name network objects", nameof(workspaceId));
        return key;
    }
}

/// <summary>IPv4 address arithmetic.</summary>
internal static class Ipv4
{
    public static uint ToUInt(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    public static IPAddress FromUInt(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    public static IPAddress Add(IPAddress address, uint offset) => FromUInt(ToUInt(address) + offset);

    /// <summary>Number of addresses in the network.</summary>
    public static ulong Size(IPNetwork network) => 1UL << (32 - network.PrefixLength);
}
