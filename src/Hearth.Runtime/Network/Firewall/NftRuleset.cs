using System.Globalization;
using System.Net;
using System.Text;

namespace Hearth.Runtime.Network.Firewall;

/// <summary>
/// Renders Hearth's one nftables table, <c>inet hearth</c> (docs/design/network.md). The fixed part
/// holds the hooks, a few shared sets and the maps that send each workspace's packets to chains of
/// its own; each workspace adds two chains (<c>ws_K_from</c>: its egress, <c>ws_K_to</c>: its
/// ingress). Everything is text for <c>nft -f</c>, which applies a file as one transaction.
/// </summary>
internal sealed class NftRuleset(NetworkOptions options)
{
    public const string Table = "inet hearth";
    private const string Deny = "goto deny";
    private readonly string pool = options.Pool.ToString();
    private readonly string gateway = options.Gateway.ToString();
    private readonly string veths = NetworkOptions.VethPrefix + "*";

    /// <summary>The whole table, replacing whatever table of that name was there, in one transaction.</summary>
    public string Full(IEnumerable<WorkspaceRules> workspaces)
    {
        var text = new StringBuilder();
        // "add" makes the delete valid on a first start; both and the new table are one transaction.
        text.AppendLine($"add table {Table}").AppendLine($"delete table {Table}");
        text.Append(BaseTable());
        foreach (var workspace in workspaces)
            text.Append(Add(workspace));
        return text.ToString();
    }

    /// <summary>The hooks, maps and shared chains; no workspace yet.</summary>
    public string BaseTable() => $$"""
        table {{Table}} {
            set addresses { type ifname . ipv4_addr; }
            set workspace_ips { type ipv4_addr; }
            map from_workspace { type ipv4_addr : verdict; }
            map to_workspace { type ipv4_addr : verdict; }
            # Addresses DNS answered each workspace for a hostname of its egress: source . destination.
            set resolved { type ipv4_addr . ipv4_addr; flags timeout; }

            chain deny {
                meta l4proto tcp reject with tcp reset
                reject with icmpx port-unreachable
            }

            # Every new connection a workspace opens: its egress, then the target's ingress (each
            # chain returns when it admits and rejects when it does not).
            chain admission {
                type filter hook prerouting priority -150; policy accept;
                iifname "lo" return
                # Pool addresses come only from workspaces' veths (never from the uplink or the LAN).
                iifname != "{{veths}}" ip saddr {{pool}} drop
                iifname != "{{veths}}" return
                meta nfproto ipv6 drop
                iifname . ip saddr != @addresses drop
                ct state established,related accept
                ct state invalid drop
                ip daddr {{gateway}} meta l4proto { tcp, udp } th dport 53 accept
                ip daddr { 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/3 } drop
                ip daddr 169.254.0.0/16 {{Deny}}
                ip saddr vmap @from_workspace
                ip daddr vmap @to_workspace
                ip daddr @workspace_ips accept
                ip daddr {{pool}} {{Deny}}
            }

            # Oblien's direct runtime API: <workspace ip>:{{options.DirectAccessPort}} is hearthd's listener on the gateway.
            chain direct_access {
                type nat hook prerouting priority dstnat; policy accept;
                iifname "{{veths}}" ip daddr @workspace_ips tcp dport {{options.DirectAccessPort}} dnat ip to {{gateway}}:{{options.DirectAccessPort}}
            }

            # The host itself: only the DNS resolver and the direct-access listener.
            chain input {
                type filter hook input priority filter; policy accept;
                iifname "{{veths}}" jump host_guard
            }
            chain host_guard {
                ct state established,related accept
                ip daddr {{gateway}} meta l4proto { tcp, udp } th dport 53 accept
                ip daddr {{gateway}} tcp dport {{options.DirectAccessPort}} ct status dnat accept
                {{Deny}}
            }

            # Nothing outside the workspaces opens a connection to one (the edge will add its own way in),
            # nor sends one a packet of no connection at all (conntrack's invalid: a stray RST, FIN or
            # echo reply), which "new" does not match.
            chain forward {
                type filter hook forward priority filter; policy accept;
                ip daddr {{pool}} oifname != "{{veths}}" {{Deny}}
                oifname "{{veths}}" iifname != "{{veths}}" ct state invalid drop
                oifname "{{veths}}" iifname != "{{veths}}" ct state new {{Deny}}
            }
            chain output {
                type filter hook output priority filter; policy accept;
                oifname "{{veths}}" ct state invalid drop
                oifname "{{veths}}" ct state new {{Deny}}
            }

            chain source_nat {
                type nat hook postrouting priority srcnat; policy accept;
                ip saddr {{pool}} {{Uplink()}} masquerade
            }
        }

        """;

    /// <summary>Adds one workspace: its two chains and its entries in the shared sets and maps.</summary>
    public string Add(WorkspaceRules rules)
    {
        var k = NetworkOptions.KeyOf(rules.WorkspaceId);
        var text = new StringBuilder();
        text.AppendLine($"add chain {Table} ws_{k}_from");
        text.AppendLine($"add chain {Table} ws_{k}_to");
        AppendRules(text, rules, k);
        var ip = rules.Address.ToString();
        text.AppendLine($"add element {Table} addresses {{ \"{NetworkOptions.VethOf(rules.WorkspaceId)}\" . {ip} }}");
        text.AppendLine($"add element {Table} workspace_ips {{ {ip} }}");
        text.AppendLine($"add element {Table} from_workspace {{ {ip} : jump ws_{k}_from }}");
        text.AppendLine($"add element {Table} to_workspace {{ {ip} : jump ws_{k}_to }}");
        return text.ToString();
    }

    /// <summary>Replaces one workspace's rules in place; <paramref name="forget"/> are DNS admissions to drop.</summary>
    public string Update(WorkspaceRules rules, IReadOnlyList<IPAddress> forget)
    {
        var k = NetworkOptions.KeyOf(rules.WorkspaceId);
        var text = new StringBuilder();
        text.AppendLine($"flush chain {Table} ws_{k}_from");
        text.AppendLine($"flush chain {Table} ws_{k}_to");
        AppendRules(text, rules, k);
        AppendForget(text, rules.Address, forget);
        return text.ToString();
    }

    /// <summary>Removes one workspace: its map entries first (they reference its chains), then its chains and DNS admissions.</summary>
    public string Remove(string workspaceId, IPAddress address, IReadOnlyList<IPAddress> forget)
    {
        var k = NetworkOptions.KeyOf(workspaceId);
        var ip = address.ToString();
        var text = new StringBuilder();
        text.AppendLine($"delete element {Table} addresses {{ \"{NetworkOptions.VethOf(workspaceId)}\" . {ip} }}");
        text.AppendLine($"delete element {Table} workspace_ips {{ {ip} }}");
        text.AppendLine($"delete element {Table} from_workspace {{ {ip} }}");
        text.AppendLine($"delete element {Table} to_workspace {{ {ip} }}");
        text.AppendLine($"delete chain {Table} ws_{k}_from");
        text.AppendLine($"delete chain {Table} ws_{k}_to");
        AppendForget(text, address, forget);
        return text.ToString();
    }

    /// <summary>
    /// Lets <paramref name="source"/> reach addresses a DNS answer gave it for an allowed name until
    /// <paramref name="ttl"/> runs out. Add, delete, add: a plain add of an element already there
    /// would keep its old timeout.
    /// </summary>
    public static string Admit(IPAddress source, IReadOnlyList<IPAddress> addresses, TimeSpan ttl)
    {
        var seconds = Math.Max(1, (long)ttl.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        AppendForget(text, source, addresses);
        text.AppendLine($"add element {Table} resolved {{ {string.Join(", ", addresses.Select(a => $"{source} . {a} timeout {seconds}s"))} }}");
        return text.ToString();
    }

    /// <summary>Drops DNS admissions whether or not they are still there (added first, so the delete cannot fail).</summary>
    private static void AppendForget(StringBuilder text, IPAddress source, IReadOnlyList<IPAddress> addresses)
    {
        if (addresses.Count == 0) return;
        text.AppendLine($"add element {Table} resolved {{ {string.Join(", ", addresses.Select(a => $"{source} . {a} timeout 1s"))} }}");
        text.AppendLine($"delete element {Table} resolved {{ {string.Join(", ", addresses.Select(a => $"{source} . {a}"))} }}");
    }

    /// <summary>
    /// The rules of a workspace's two chains. Lists are anonymous sets inside the rules, not named
    /// sets: nft (1.0.6) reads every element of every named set of the table before a change
    /// that touches elements, which made each change cost ~0.1 ms per workspace (bench/README.md).
    /// </summary>
    private void AppendRules(StringBuilder text, WorkspaceRules rules, string k)
    {
        // Egress (A's side): no list -> anything when internet is allowed, nothing at all when it
        // is not; a list -> only its entries, and outside the pool only with internet allowed.
        var from = $"ws_{k}_from";
        if (rules.EgressRestricted)
        {
            var scope = rules.AllowInternet ? "" : $"ip daddr {pool} ";
            if (Disjoint(rules.Egress) is { Length: > 0 } egress)
                text.AppendLine($"add rule {Table} {from} {scope}ip daddr {{ {egress} }} return");
            if (rules.EgressHasHostnames)
                text.AppendLine($"add rule {Table} {from} {scope}ip saddr . ip daddr @resolved return");
            text.AppendLine($"add rule {Table} {from} {Deny}");
        }
        else if (!rules.AllowInternet)
        {
            text.AppendLine($"add rule {Table} {from} {Deny}");
        }

        // Ingress (B's side): the source must be listed, and the port when ports are listed.
        var to = $"ws_{k}_to";
        if (Disjoint(rules.Ingress) is { Length: > 0 } ingress)
        {
            var ports = rules.IngressPorts.Count > 0
                ? $" meta l4proto {{ tcp, udp }} th dport {{ {string.Join(", ", rules.IngressPorts.Distinct().Order())} }}"
                : "";
            text.AppendLine($"add rule {Table} {to} ip saddr {{ {ingress} }}{ports} return");
        }
        text.AppendLine($"add rule {Table} {to} {Deny}");
    }

    /// <summary>
    /// The networks as an nft set body, without the ones another covers: two CIDRs are nested or
    /// apart, and nft refuses overlapping intervals in a set.
    /// </summary>
    private static string Disjoint(IReadOnlyList<IPNetwork> networks)
    {
        var kept = networks.Distinct()
            .Where(n => !networks.Any(other => other != n && other.PrefixLength <= n.PrefixLength && other.Contains(n.BaseAddress)))
            .Select(n => n.PrefixLength == 32 ? n.BaseAddress.ToString() : n.ToString());
        return string.Join(", ", kept);
    }

    private string Uplink() => options.Uplink is { } uplink ? $"oifname \"{uplink}\"" : $"oifname != \"{veths}\"";

}
