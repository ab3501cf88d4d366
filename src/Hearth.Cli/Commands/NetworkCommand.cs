using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth ws network ID [--ingress ...] [--ingress-ports ...] [--egress ...] [--allow-internet
/// true|false] [--link WS ...]</c>: shows a workspace's address and firewall, after changing the
/// rules given (each list replaces the old one; an empty value clears it).
/// </summary>
internal static class NetworkCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "Workspace id" };
        var ingress = List("--ingress", "Sources admitted: IPs or CIDRs (repeatable or comma-separated; '' admits nobody)", "IP|CIDR");
        var ports = List("--ingress-ports", "Only these ports for admitted sources ('' for every port)", "PORT");
        var egress = List("--egress", "The only destinations allowed: IPs, CIDRs, hostnames ('' for no list)", "DEST");
        var links = List("--link", "Workspaces admitted by their address (private links; '' for none)", "WS");
        var internet = new Option<bool?>("--allow-internet") { Description = "Whether the workspace may reach beyond the workspace network", HelpName = "true|false" };
        var json = CliOptions.Json();
        var command = new Command("network", "Show or change a workspace's address and firewall") { id, ingress, ports, egress, links, internet, json };
        command.Aliases.Add("net");

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var workspace = parseResult.GetRequiredValue(id);
            var request = new UpdateNetworkRequest
            {
                AllowInternet = parseResult.GetValue(internet),
                Ingress = Values(parseResult, ingress),
                IngressPorts = Values(parseResult, ports)?.Select(Port).ToList(),
                Egress = Values(parseResult, egress),
                PrivateLinkIds = Values(parseResult, links),
            };
            var changes = request.AllowInternet is not null || request.Ingress is not null || request.IngressPorts is not null
                || request.Egress is not null || request.PrivateLinkIds is not null;
            var network = changes
                ? await client.Workspaces.Network.UpdateAsync(workspace, request, cancellationToken)
                : await client.Workspaces.Network.GetAsync(workspace, cancellationToken);
            if (parseResult.GetValue(json))
                await JsonOutput.WriteAsync(context.Out, network, HearthJsonContext.Default.WorkspaceNetworkResponse, cancellationToken);
            else
                Write(context, network);
            return ExitCodes.Success;
        });
        return command;
    }

    private static int Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new CliException($"--ingress-ports: '{text}' is not a port number (1-65535)", ExitCodes.Usage);

    private static Option<string[]> List(string name, string description, string helpName) =>
        new(name) { Description = description, HelpName = helpName, AllowMultipleArgumentsPerToken = false };

    /// <summary>The values given (split at commas), an empty list for <c>''</c>, null when the option is absent.</summary>
    private static List<string>? Values(ParseResult parseResult, Option<string[]> option) =>
        parseResult.GetResult(option) is null ? null
            : (parseResult.GetValue(option) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static void Write(CliContext context, WorkspaceNetworkResponse network)
    {
        var ports = network.IngressPorts.Count > 0 ? $" (ports {string.Join(", ", network.IngressPorts)})" : "";
        var lines = new List<(string Key, string Value)>
        {
            ("IP", network.Ip ?? "-"),
            ("Gateway", network.Gateway),
            ("Internet", network.AllowInternet ? "allowed" : "blocked"),
            ("Ingress", network.Ingress.Count > 0 ? string.Join(", ", network.Ingress) + ports : "nobody" + (network.PrivateLinks.Count > 0 ? " but private links" : "")),
            ("Egress", network.Egress.Count > 0 ? string.Join(", ", network.Egress) : network.AllowInternet ? "anything" : "nothing (air-gapped)"),
        };
        foreach (var link in network.PrivateLinks)
            lines.Add(("Link", $"{link.WorkspaceId} ({link.Name}, {link.Ip ?? "no address"})"));
        foreach (var (key, value) in lines)
            context.Out.WriteLine($"{key,-10} {value}");
    }
}
