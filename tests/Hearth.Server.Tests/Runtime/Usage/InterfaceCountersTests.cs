using Hearth.Runtime.Network;

namespace Hearth.Server.Tests.Runtime.Usage;

/// <summary>Byte counters of one interface out of /proc/net/dev.</summary>
public sealed class InterfaceCountersTests
{
    private const string ProcNetDev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0
        hearth0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
        hw-uj6jtme9xp: 987654321    5000    0    0    0     0          0         0 12345678901    7000    0    0    0     0       0          0
        """;

    [Fact]
    public void Finds_the_named_interface_received_and_sent_bytes()
    {
        Assert.Equal(new InterfaceCounters(987654321, 12345678901), InterfaceCounters.Parse(ProcNetDev, "hw-uj6jtme9xp"));
        Assert.Equal(new InterfaceCounters(100, 100), InterfaceCounters.Parse(ProcNetDev, "lo"));
    }

    [Fact]
    public void An_interface_that_is_not_listed_has_no_counters()
    {
        Assert.Null(InterfaceCounters.Parse(ProcNetDev, "hw-uj6jtme9x"));
        Assert.Null(InterfaceCounters.Parse(ProcNetDev, "eth0"));
    }

    [Fact]
    public void Reads_this_process_network_namespace()
    {
        // Every network namespace has a loopback interface.
        Assert.NotNull(InterfaceCounters.Read("/proc/self/net/dev", "lo"));
        Assert.Null(InterfaceCounters.Read("/proc/self/net/no-such-file", "lo"));
    }
}
