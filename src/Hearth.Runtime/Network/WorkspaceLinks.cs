using System.Net;
using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Network;

/// <summary>
/// Gives a workspace its network: a veth pair with the host end (<c>hw-…</c>) in the host's
/// network namespace and the other end as <c>eth0</c> in the workspace's, the workspace address
/// as a /32 and every route through the gateway. The pair lives as long as the workspace's
/// namespace: when the container goes, the kernel removes both ends and the host route.
/// </summary>
internal sealed class WorkspaceLinks(NetworkOptions options, NetworkNamespace netns, IProcessRunner processes)
{
    /// <summary>The nameserver of a linked workspace's /etc/resolv.conf: the resolver on the gateway.</summary>
    public IPAddress Resolver => options.Gateway;

    /// <summary>Connects the network namespace of <paramref name="initPid"/> (a created, not yet started container).</summary>
    public async Task AttachAsync(string workspaceId, int initPid, IPAddress address, CancellationToken cancellationToken = default)
    {
        var veth = NetworkOptions.VethOf(workspaceId);
        var host = $"""
            link add {veth} type veth peer name eth0 netns {initPid}
            link set {veth} addrgenmode none
            link set {veth} up
            route replace {address}/32 dev {veth} src {options.Gateway}
            """;
        var result = await processes.RunAsync(netns.Wrap(IpBatch(host)), cancellationToken);
        if (!result.Succeeded && result.StandardError.Contains("File exists", StringComparison.Ordinal))
        {
            // The veth of an earlier run whose namespace the kernel is still tearing down.
            await DetachAsync(workspaceId, cancellationToken);
            result = await processes.RunAsync(netns.Wrap(IpBatch(host)), cancellationToken);
        }
        if (!result.Succeeded)
            throw new RuntimeException("network_failed", $"connecting {workspaceId} failed: {result.StandardError.Trim()}");

        var inside = $"""
            link set lo up
            addr add {address}/32 dev eth0
            link set eth0 up
            route add {options.Gateway} dev eth0 scope link
            route add default via {options.Gateway} dev eth0
            """;
        // The workspace's namespace is entered directly: it belongs to the container, wherever the host side is.
        var container = new ProcessRequest("nsenter", [$"--net=/proc/{initPid}/ns/net", "--", "ip", "-batch", "-"])
        {
            StandardInput = inside + "\n",
            Timeout = TimeSpan.FromSeconds(15),
        };
        result = await processes.RunAsync(container, cancellationToken);
        if (!result.Succeeded)
            throw new RuntimeException("network_failed", $"configuring eth0 of {workspaceId} failed: {result.StandardError.Trim()}");
    }

    /// <summary>Removes the host end (and with it the pair) if it is still there.</summary>
    public async Task DetachAsync(string workspaceId, CancellationToken cancellationToken = default)
    {
        var veth = NetworkOptions.VethOf(workspaceId);
        var result = await processes.RunAsync(netns.Wrap(new ProcessRequest("ip", ["link", "del", veth])), cancellationToken);
        // "No such device" (ENODEV): the kernel removed the pair, its namespace going away, between ip's lookup and its delete.
        if (!result.Succeeded && !result.StandardError.Contains("Cannot find device", StringComparison.Ordinal) && !result.StandardError.Contains("No such device", StringComparison.Ordinal))
            throw new RuntimeException("network_failed", $"removing {veth} failed: {result.StandardError.Trim()}");
    }

    private static ProcessRequest IpBatch(string commands) =>
        new("ip", ["-batch", "-"]) { StandardInput = commands + "\n", Timeout = TimeSpan.FromSeconds(15) };
}
