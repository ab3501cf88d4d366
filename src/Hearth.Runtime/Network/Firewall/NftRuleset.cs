using System.Globalization;
using System.Net;
using System.Text;

namespace Hearth.Runtime.Network.Firewall;

/// <summary>
/// Renders Hearth's one nftables table, <c>inet hearth</c> (docs/design/network.md). The fixed part
/// holds the hooks and the maps that send each workspace's packets to chains of its own; each
/// workspace adds two chains (<c>ws_K_from</c>: its egress, <c>ws_K_to</c>: its ingress) and four
/// sets. Everything is text for <c>nft -f</c>, which applies a file as one transaction.
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

            chain deny {
                meta l4proto tcp reject with tcp reset
                reject with icmpx port-unreachable
            }

            # Every new connection a workspace opens: its egress, then the target's ingress (each
            # chain returns when it admits and rejects when it does not).
            chain admission {
                type filter hook prerouting priority -150; policy accept;
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

    /// <summary>Adds one workspace: its sets, chains and map entries.</summary>
    public string Add(WorkspaceRules rules)
    {
        var k = KeyOf(rules.WorkspaceId);
        var text = new StringBuilder();
        text.AppendLine($"add set {Table} ws_{k}_egress {{ type ipv4_addr; flags interval; auto-merge; }}");
        text.AppendLine($"add set {Table} ws_{k}_resolved {{ type ipv4_addr; flags timeout; }}");
        text.AppendLine($"add set {Table} ws_{k}_ingress {{ type ipv4_addr; flags interval; auto-merge; }}");
        text.AppendLine($"add set {Table} ws_{k}_ports {{ type inet_service; }}");
        text.AppendLine($"add chain {Table} ws_{k}_from");
        text.AppendLine($"add chain {Table} ws_{k}_to");
        AppendContent(text, rules, k);
        var ip = rules.Address.ToString();
        text.AppendLine($"add element {Table} addresses {{ \"{NetworkOptions.VethOf(rules.WorkspaceId)}\" . {ip} }}");
        text.AppendLine($"add element {Table} workspace_ips {{ {ip} }}");
        text.AppendLine($"add element {Table} from_workspace {{ {ip} : jump ws_{k}_from }}");
        text.AppendLine($"add element {Table} to_workspace {{ {ip} : jump ws_{k}_to }}");
        return text.ToString();
    }

    /// <summary>Replaces one workspace's rules in place; <paramref name="forgetResolved"/> also drops the addresses DNS admitted.</summary>
    public string Update(WorkspaceRules rules, bool forgetResolved)
    {
        var k = KeyOf(rules.WorkspaceId);
        var text = new StringBuilder();
        foreach (var chain in new[] { "from", "to" })
            text.AppendLine($"flush chain {Table} ws_{k}_{chain}");
        foreach (var set in forgetResolved ? new[] { "egress", "ingress", "ports", "resolved" } : ["egress", "ingress", "ports"])
            text.AppendLine($"flush set {Table} ws_{k}_{set}");
        AppendContent(text, rules, k);
        return text.ToString();
    }

    /// <summary>Removes one workspace: its map entries first (they reference its chains), then its chains and sets.</summary>
    public string Remove(string workspaceId, IPAddress address)
    {
        var k = KeyOf(workspaceId);
        var ip = address.ToString();
        var text = new StringBuilder();
        text.AppendLine($"delete element {Table} addresses {{ \"{NetworkOptions.VethOf(workspaceId)}\" . {ip} }}");
        text.AppendLine($"delete element {Table} workspace_ips {{ {ip} }}");
        text.AppendLine($"delete element {Table} from_workspace {{ {ip} }}");
        text.AppendLine($"delete element {Table} to_workspace {{ {ip} }}");
        foreach (var chain in new[] { "from", "to" })
            text.AppendLine($"delete chain {Table} ws_{k}_{chain}");
        foreach (var set in new[] { "egress", "resolved", "ingress", "ports" })
            text.AppendLine($"delete set {Table} ws_{k}_{set}");
        return text.ToString();
    }

    /// <summary>
    /// Admits addresses a DNS answer gave for an allowed name until <paramref name="ttl"/> runs
    /// out. Add, delete, add: a plain add of an element already there would keep its old timeout.
    /// </summary>
    public static string Admit(string workspaceId, IReadOnlyList<IPAddress> addresses, TimeSpan ttl)
    {
        var set = $"{Table} ws_{KeyOf(workspaceId)}_resolved";
        var list = string.Join(", ", addresses);
        var seconds = Math.Max(1, (long)ttl.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return $"add element {set} {{ {list} }}\ndelete element {set} {{ {list} }}\nadd element {set} {{ {string.Join(", ", addresses.Select(a => $"{a} timeout {seconds}s"))} }}\n";
    }

    private void AppendContent(StringBuilder text, WorkspaceRules rules, string k)
    {
        AppendElements(text, $"ws_{k}_egress", rules.Egress.Select(n => n.ToString()));
        AppendElements(text, $"ws_{k}_ingress", rules.Ingress.Select(n => n.ToString()));
        AppendElements(text, $"ws_{k}_ports", rules.IngressPorts.Select(p => p.ToString(CultureInfo.InvariantCulture)));

        // Egress (A's side): no list -> anything when internet is allowed, nothing at all when it
        // is not; a list -> only its entries, and outside the pool only with internet allowed.
        var from = $"ws_{k}_from";
        if (rules.EgressRestricted)
        {
            var scope = rules.AllowInternet ? "" : $"ip daddr {pool} ";
            text.AppendLine($"add rule {Table} {from} {scope}ip daddr @ws_{k}_egress return");
            text.AppendLine($"add rule {Table} {from} {scope}ip daddr @ws_{k}_resolved return");
            text.AppendLine($"add rule {Table} {from} {Deny}");
        }
        else if (!rules.AllowInternet)
        {
            text.AppendLine($"add rule {Table} {from} {Deny}");
        }

        // Ingress (B's side): the source must be listed, and the port when ports are listed.
        var to = $"ws_{k}_to";
        if (rules.Ingress.Count > 0)
        {
            var ports = rules.IngressPorts.Count > 0 ? $" meta l4proto {{ tcp, udp }} th dport @ws_{k}_ports" : "";
            text.AppendLine($"add rule {Table} {to} ip saddr @ws_{k}_ingress{ports} return");
        }
        text.AppendLine($"add rule {Table} {to} {Deny}");
    }

    private static void AppendElements(StringBuilder text, string set, IEnumerable<string> elements)
    {
        var list = string.Join(", ", elements);
        if (list.Length > 0)
            text.AppendLine($"add element {Table} {set} {{ {list} }}");
    }

    private string Uplink() => options.Uplink is { } uplink ? $"oifname \"{uplink}\"" : $"oifname != \"{veths}\"";

    /// <summary>The part of nft names that says which workspace (the id without its <c>ws_</c>).</summary>
    public static string KeyOf(string workspaceId)
    {
        var key = workspaceId.StartsWith("ws_", StringComparison.Ordinal) ? workspaceId[3..] : workspaceId;
        if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ArgumentException($"workspace id '{workspaceId}' cannot name nft objects", nameof(workspaceId));
        return key;
    }
}
