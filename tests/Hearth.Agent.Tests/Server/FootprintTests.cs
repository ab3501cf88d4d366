using Hearth.Agent.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hearth.Agent.Tests.Server;

/// <summary>PID 1 runs in every workspace: what the protocol server costs it while idle.</summary>
public sealed class FootprintTests(ITestOutputHelper output)
{
    private const long RssLimitKiB = 8 * 1024;

    /// <summary>Main, reaper, accept, pump; the runtime's finalizer, signal and socket-engine threads.</summary>
    private const int IdleThreadLimit = 7;

    [Fact]
    public async Task IdleAgent_StaysUnder8MiB_WithAFewThreads()
    {
        await using var container = await AgentContainer.StartAsync();
        await Task.Delay(500);
        var idle = container.ReadFootprint();
        output.WriteLine($"no connection: VmRSS {idle.RssKiB} KiB (private {idle.AnonKiB}), {idle.Threads} threads");

        await using var client = await container.ConnectAsync();
        await Task.Delay(500);
        var connected = container.ReadFootprint();
        output.WriteLine($"one idle connection: VmRSS {connected.RssKiB} KiB, {connected.Threads} threads");

        // After some work: output, stdin, and the connection closed again.
        var process = await client.SpawnAsync(["sh", "-c", "head -c 20000000 /dev/zero"]);
        process.DiscardOutput = true;
        await process.WaitForEndAsync();
        var cat = await client.SpawnAsync(["cat"], stdin: true);
        for (var i = 0; i < 64; i++) await cat.WriteStdinAsync(new byte[64 * 1024]);
        await cat.CloseStdinAsync();
        await cat.WaitForEndAsync();
        var busy = container.ReadFootprint();
        output.WriteLine($"right after 20 MB out and 4 MiB in: VmRSS {busy.RssKiB} KiB, {busy.Threads} threads");
        await client.DisposeAsync();
        // The pump gives memory back within two of its 1 s intervals after the work stops.
        await Task.Delay(3000);
        var after = container.ReadFootprint();
        output.WriteLine($"3 s after the connection closed: VmRSS {after.RssKiB} KiB (private {after.AnonKiB}), {after.Threads} threads");

        Assert.True(idle.RssKiB < RssLimitKiB, $"idle VmRSS {idle.RssKiB} KiB");
        Assert.True(connected.RssKiB < RssLimitKiB, $"VmRSS with a connection {connected.RssKiB} KiB");
        Assert.True(idle.Threads <= IdleThreadLimit, $"{idle.Threads} threads idle");
        Assert.True(connected.Threads <= idle.Threads + 2, $"{connected.Threads} threads with one connection");
        // After the work, the binary's pages it touched (shared by every workspace) stay counted
        // in VmRSS; what PID 1 holds of its own must be back near idle.
        Assert.True(after.AnonKiB < idle.AnonKiB + 2048, $"private memory {after.AnonKiB} KiB after the work (idle: {idle.AnonKiB})");
        Assert.True(after.RssKiB < RssLimitKiB + 1024, $"VmRSS {after.RssKiB} KiB after the work");
        Assert.True(after.Threads <= idle.Threads, $"{after.Threads} threads after the connection closed");
    }
}
