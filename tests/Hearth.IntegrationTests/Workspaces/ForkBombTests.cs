using System.Diagnostics;
using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>hearthd started with <c>--pids-limit 64</c>.</summary>
public sealed class PidsLimit64Fixture : HearthdFixture
{
    protected override string[] Flags => ["--pids-limit", "64"];
}

/// <summary>A fork bomb inside stops at the pids limit; the host and the API are unaffected.</summary>
public sealed class ForkBombTests(PidsLimit64Fixture fixture) : IClassFixture<PidsLimit64Fixture>
{
    private const int PidsLimit = 64;

    // Every process forks two more and then sleeps, so the cgroup stays full while the test looks;
    // a shell whose fork fails (EAGAIN) dies, its sleeping siblings stay.
    private const string Bomb = "exec </dev/null >/dev/null 2>&1; b(){ b & b & sleep 60; }; b";

    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task A_fork_bomb_stops_at_the_pids_limit_and_delete_still_removes_everything()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        Assert.Equal(PidsLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), HostProbe.ReadCgroup("pids", id, "pids.max"));

        // Detached: crun exec returns at once and the bomb keeps none of our pipes open.
        var start = await Command.RunAsync("crun", ["--root", Hearthd.CrunRoot, "exec", "--detach", id, "/bin/sh", "-c", Bomb]).Within();
        Assert.True(start.ExitCode == 0, start.ToString());

        var refused = await HostProbe.EventuallyAsync(() => HostProbe.ReadCgroupKey("pids", id, "pids.events", "max"), n => n > 0,
            TimeSpan.FromSeconds(20), "pids.events max (forks refused at the limit)");
        Assert.True(refused > 0);
        var current = long.Parse(HostProbe.ReadCgroup("pids", id, "pids.current"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(current, PidsLimit / 2, PidsLimit); // the bomb filled the cgroup, and no further
        var peakFile = Path.Combine(HostProbe.CgroupDir("pids", id), "pids.peak");
        if (File.Exists(peakFile))
            Assert.InRange(long.Parse(File.ReadAllText(peakFile).Trim(), System.Globalization.CultureInfo.InvariantCulture), 1, PidsLimit);

        // The host still forks at its usual speed while the bomb runs.
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            var ok = await Command.RunAsync("/bin/true", [], TimeSpan.FromSeconds(5)).Within();
            Assert.Equal(0, ok.ExitCode);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"20 host forks took {clock.ElapsedMilliseconds} ms");

        // The API answers, and a delete removes the bomb with the rest.
        ApiAssert.Status(await Hearthd.GetAsync("/workspace/" + id).Within(), HttpStatusCode.OK);
        ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + id).Within(), HttpStatusCode.OK);
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
        ApiAssert.Error(await Hearthd.GetAsync("/workspace/" + id).Within(), HttpStatusCode.NotFound, "not_found");
    }
}
