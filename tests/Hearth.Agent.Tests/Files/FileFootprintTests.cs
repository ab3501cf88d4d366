using Hearth.Agent.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hearth.Agent.Tests.Files;

/// <summary>PID 1 gives back what a bulk file operation made it allocate (the 8 MiB idle budget of FootprintTests).</summary>
public sealed class FileFootprintTests(ITestOutputHelper output)
{
    private const long RssLimitKiB = 8 * 1024;

    [Fact]
    public async Task After_archiving_extracting_and_listing_64_MiB_the_agent_is_back_under_8_MiB()
    {
        await using var container = await AgentContainer.StartAsync();
        await using var client = await container.ConnectAsync();
        var fs = new FileOps(client);
        await fs.ShAsync("mkdir -p /tmp/big && head -c 67108864 /dev/urandom > /tmp/big/random && yes hello | head -c 4000000 > /tmp/big/text");

        var archive = (await fs.RunAsync("fs.archive", new { paths = new[] { "/tmp/big" } })).Succeeds();
        var during = container.ReadFootprint();
        (await fs.RunAsync("fs.extract", new { dest = "/tmp/copy" }, archive.Data)).Succeeds();
        (await fs.RunAsync("fs.list", new { path = "/tmp", recursive = true, include_hash = true, include_content = true, content_budget = 50 << 20 })).Succeeds();
        await Task.Delay(1000);
        var after = container.ReadFootprint();
        output.WriteLine($"right after a 64 MiB archive: VmRSS {during.RssKiB} KiB; 1 s after extract and list: VmRSS {after.RssKiB} KiB, {after.Threads} threads");

        Assert.Equal(await fs.ShAsync("md5sum < /tmp/big/random"), await fs.ShAsync("md5sum < /tmp/copy/big/random"));
        Assert.True(after.RssKiB < RssLimitKiB, $"VmRSS {after.RssKiB} KiB after the file operations");
    }
}
