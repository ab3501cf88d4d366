using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>A workspace's disk is a hard quota: filling it fails inside and costs the host no more than its size.</summary>
public sealed class DiskFullTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private const long MiB = 1024 * 1024;

    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Writing_past_the_disk_size_gives_ENOSPC_and_leaves_the_host_free_space_alone()
    {
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","config":{"disk_size_mb":100}}""").Within(Bounded.Create);
        var hostFreeBefore = new DriveInfo(Hearthd.DataDir).AvailableFreeSpace;

        var dd = await Hearthd.ShAsync(id, "dd if=/dev/zero of=/big bs=1M count=200; rc=$?; sync; exit $rc").Within(TimeSpan.FromMinutes(2));

        Assert.NotEqual(0, dd.ExitCode);
        Assert.Contains("No space left on device", dd.Stderr, StringComparison.Ordinal);
        var written = await Hearthd.ShAsync(id, "ls -l /big | awk '{print $5}'").Within();
        Assert.InRange(long.Parse(written.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture), 50 * MiB, 100 * MiB);

        // The sparse image holds at most its size in real blocks...
        var allocated = await Command.RunAsync("stat", ["-c", "%b %B", HostProbe.DiskFile(Hearthd, id)]).Within();
        var parts = allocated.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => long.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.InRange(parts[0] * parts[1], 50 * MiB, 110 * MiB);
        // ...and the filesystem of the data dir lost no more than that.
        var hostFreeAfter = new DriveInfo(Hearthd.DataDir).AvailableFreeSpace;
        var used = hostFreeBefore - hostFreeAfter;
        Assert.True(used <= 110 * MiB, $"the host lost {used / MiB} MiB for a 100 MB disk");
    }
}
