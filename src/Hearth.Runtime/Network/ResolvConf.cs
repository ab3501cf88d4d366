using System.Net;

namespace Hearth.Runtime.Network;

/// <summary>The host's resolvers, from <c>/etc/resolv.conf</c>: where the workspace DNS forwards by default.</summary>
internal static class ResolvConf
{
    public static IReadOnlyList<IPEndPoint> Nameservers(string path = "/etc/resolv.conf") =>
        !File.Exists(path) ? [] : File.ReadLines(path)
            .Select(line => line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(words => words.Length >= 2 && words[0] == "nameserver" && IPAddress.TryParse(words[1], out var a)
                && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            .Select(words => new IPEndPoint(IPAddress.Parse(words[1]), 53))
            .ToList();
}
