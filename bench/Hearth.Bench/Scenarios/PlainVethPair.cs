using System.Net;
using Hearth.Bench.Host;
using Hearth.Runtime.Network;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// The TCP baseline: two plain network namespaces of the bench's (<see cref="Scratch"/>) joined
/// by one veth pair, an address on each end of a /30 and nothing else: no routing hop, no
/// nftables, no conntrack. The addresses are TEST-NET-1 (RFC 5737), which nothing routes; the
/// namespaces have no other interface, so no packet can leave them.
/// </summary>
internal sealed class PlainVethPair(NetworkNamespace aNetns, NetworkNamespace bNetns)
{
    public static readonly IPAddress A = IPAddress.Parse("192.0.2.1");
    public static readonly IPAddress B = IPAddress.Parse("192.0.2.2");

    public NetworkNamespace ANetns => aNetns;
    public NetworkNamespace BNetns => bNetns;

    public static async Task<PlainVethPair> CreateAsync(Scratch scratch, CancellationToken cancellationToken = default)
    {
        var a = await scratch.CreateNetworkNamespaceAsync("pa", cancellationToken);
        var b = await scratch.CreateNetworkNamespaceAsync("pb", cancellationToken);
        // Made in A with its peer straight in B, as WorkspaceLinks makes a workspace's pair.
        await HostProcess.RunCheckedAsync("nsenter", [$"--net={a}", "--", "ip", "link", "add", "veth0", "type", "veth", "peer", "name", "veth0", "netns", b],
            cancellationToken);
        foreach (var (netns, address) in new[] { (a, A), (b, B) })
        {
            await HostProcess.RunCheckedAsync("nsenter", [$"--net={netns}", "--", "ip", "addr", "add", $"{address}/30", "dev", "veth0"], cancellationToken);
            await HostProcess.RunCheckedAsync("nsenter", [$"--net={netns}", "--", "ip", "link", "set", "veth0", "up"], cancellationToken);
        }
        return new PlainVethPair(new NetworkNamespace(a), new NetworkNamespace(b));
    }
}
