using System.Net;
using Hearth.Runtime.Network;
using Hearth.Runtime.Network.Firewall;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Made-up workspaces' firewall rules, the same every run (a fixed seed), shaped like the use
/// cases (<c>shared/reference/use-cases.md</c>): most workspaces admit a few others, some only
/// on a port or two, some admit a whole range; a third restrict egress to a few workspaces, some
/// of those also name hostnames; one in ten is air-gapped. Addresses follow hearthd's pool from
/// its first workspace address on.
/// </summary>
internal static class SyntheticRules
{
    public static readonly IPNetwork Pool = IPNetwork.Parse("10.88.0.0/16");

    /// <summary>The address hearthd gives its <paramref name="index"/>-th workspace (the pool's third address on).</summary>
    public static IPAddress AddressOf(int index) => Ipv4.Add(Pool.BaseAddress, 2 + (uint)index);

    /// <summary>Workspace ids of letters and digits, as nft names need (NftRuleset.KeyOf).</summary>
    public static string IdOf(string prefix, int index) => $"ws_{prefix}{index:x5}";

    /// <summary>
    /// <paramref name="count"/> workspaces, numbered from <paramref name="first"/>; their lists
    /// name workspaces among the first <paramref name="population"/>.
    /// </summary>
    public static List<WorkspaceRules> Make(string prefix, int first, int count, int population)
    {
        var random = new Random(4);
        var list = new List<WorkspaceRules>(count);
        for (var i = first; i < first + count; i++)
        {
            IPNetwork Other() => new(AddressOf(random.Next(Math.Max(population, 1))), 32);
            IReadOnlyList<IPNetwork> Others(int n) => Enumerable.Range(0, n).Select(_ => Other()).Distinct().ToList();
            IReadOnlyList<IPNetwork> ingress = [];
            IReadOnlyList<int> ports = [];
            switch (i % 4)
            {
                case 1: ingress = Others(1 + random.Next(2)); break;
                case 2:
                    ingress = Others(2 + random.Next(3));
                    ports = [5432];
                    break;
                case 3:
                    ingress = [IPNetwork.Parse("10.0.0.0/8")];
                    ports = [80, 443];
                    break;
            }
            var restricted = i % 3 == 0;
            list.Add(new WorkspaceRules
            {
                WorkspaceId = IdOf(prefix, i),
                Address = AddressOf(i),
                AllowInternet = i % 10 != 9,
                Ingress = ingress,
                IngressPorts = ports,
                Egress = restricted ? Others(1 + random.Next(4)) : [],
                EgressHasHostnames = restricted && i % 2 == 0,
            });
        }
        return list;
    }

    /// <summary>The workspace whose rules are updated: two versions of its ingress that differ in one entry.</summary>
    public static WorkspaceRules Subject(int index, bool variant) => new()
    {
        WorkspaceId = IdOf("s", index),
        Address = AddressOf(index),
        Ingress = [new(AddressOf(0), 32), new(AddressOf(1), 32), new(AddressOf(variant ? 3 : 2), 32)],
        IngressPorts = [5432],
        Egress = [new(AddressOf(0), 32), new(AddressOf(4), 32)],
    };
}
