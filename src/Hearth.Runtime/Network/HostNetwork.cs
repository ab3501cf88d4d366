using Hearth.Runtime.Processes;
using Microsoft.Extensions.Logging;

namespace Hearth.Runtime.Network;

/// <summary>
/// The host side of the workspaces' network, set up once per daemon start: the gateway
/// interface holding the pool's first address (DNS and direct access listen there; workspaces
/// route through it) and IPv4 forwarding.
/// </summary>
internal sealed partial class HostNetwork(NetworkOptions options, NetworkNamespace netns, IProcessRunner processes, ILogger<HostNetwork> logger)
{
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        // A bridge without ports: it only carries the gateway address (the kernel here has no dummy
        // interfaces). Workspaces are routed, one /32 per veth, so every packet between them
        // crosses the host's IP layer, where nftables sees it.
        var gateway = NetworkOptions.GatewayInterface;
        var existing = await processes.RunAsync(netns.Wrap(new ProcessRequest("ip", ["-o", "link", "show", "dev", gateway])), cancellationToken);
        var batch = existing.Succeeded ? "" : $"link add {gateway} type bridge\n";
        batch += $"link set {gateway} addrgenmode none\naddr replace {options.Gateway}/32 dev {gateway}\nlink set {gateway} up\n";
        // An address of the pool with no running workspace (stopped, not yet started) is
        // unreachable here; without this route its packets would follow the default route out.
        batch += $"route replace unreachable {options.Pool}\n";
        await processes.RunCheckedAsync(netns.Wrap(new ProcessRequest("ip", ["-batch", "-"]) { StandardInput = batch }), cancellationToken);
        await processes.RunCheckedAsync(netns.Wrap(new ProcessRequest("sysctl", ["-q", "-w", "net.ipv4.ip_forward=1"])), cancellationToken);
        LogPrepared(gateway, options.Gateway.ToString(), options.Pool.ToString(), netns.Path ?? "the host's");
    }

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "workspace network ready: {Interface} {Gateway}, pool {Pool}, in {Namespace} network namespace")]
    private partial void LogPrepared(string @interface, string gateway, string pool, string @namespace);
}
