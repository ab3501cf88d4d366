using System.Globalization;

namespace Hearth.IntegrationTests.Network;

/// <summary>
/// One attempt to open a connection (TCP), get an answer to a datagram (UDP) or to an echo
/// request (ICMP), made with <c>nettool probe</c>. Its outcome is the first word nettool prints.
/// </summary>
internal sealed record Probe(string Protocol, string Address, int Port = 0)
{
    /// <summary>A connection opened, or an answer came back.</summary>
    public const string Open = "open";
    /// <summary>TCP reset, ICMP port or admin unreachable: what the firewall answers when it refuses.</summary>
    public const string Refused = "refused";
    /// <summary>Nothing came back (the anti-spoofing rule drops silently).</summary>
    public const string TimedOut = "timeout";
    /// <summary>No route (ICMP host or network unreachable, or none in the sender's own table).</summary>
    public const string Unreachable = "unreachable";

    /// <summary>Send from this address, even one the sender does not have (IP_TRANSPARENT).</summary>
    public string? From { get; init; }

    public int TimeoutMs { get; init; } = 1000;

    public static Probe Tcp(string address, int port) => new("tcp", address, port);

    public static Probe Udp(string address, int port) => new("udp", address, port);

    public static Probe Icmp(string address) => new("icmp", address);

    /// <summary>TCP and UDP to <paramref name="port"/> and an echo request: "reaches on any protocol".</summary>
    public static Probe[] Every(string address, int port = 80) => [Tcp(address, port), Udp(address, port), Icmp(address)];

    /// <summary>The arguments of <c>nettool probe</c>.</summary>
    public IReadOnlyList<string> Arguments =>
    [
        Protocol, Address,
        .. Protocol == "icmp" ? Array.Empty<string>() : [Port.ToString(CultureInfo.InvariantCulture)],
        .. From is null ? Array.Empty<string>() : ["--from", From],
        "--timeout-ms", TimeoutMs.ToString(CultureInfo.InvariantCulture),
    ];

    public override string ToString() =>
        (Protocol == "icmp" ? $"icmp {Address}" : $"{Protocol} {Address}:{Port}") + (From is null ? "" : $" (from {From})");
}
