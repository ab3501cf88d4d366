using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>Creates and deletes racing each other get distinct ids and uid ranges and leave nothing behind.</summary>
public sealed class ConcurrencyTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private const int Count = 20;

    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Twenty_concurrent_creates_then_twenty_concurrent_deletes_leave_nothing_behind()
    {
        var creates = await Task.WhenAll(Enumerable.Range(0, Count)
            .Select(i => Hearthd.PostAsync("/workspace", $$$"""{"image":"busybox","name":"racer-{{{i}}}","config":{"disk_size_mb":128}}"""))).Within(TimeSpan.FromMinutes(4));

        foreach (var create in creates)
            ApiAssert.Status(create, HttpStatusCode.Created);
        var ids = creates.Select(c => c.Workspace.GetProperty("id").GetString()!).ToList();
        Assert.Equal(Count, ids.Distinct().Count());
        Assert.All(creates, c => Assert.Equal("running", ApiAssert.WorkspaceStatus(c)));
        var list = await Hearthd.GetAsync("/workspace?limit=100").Within();
        Assert.Equal(Count, list.Json.GetProperty("total").GetInt32());

        var uids = new List<long>();
        foreach (var id in ids)
            uids.Add(HostProbe.HostUidOf(await HostProbe.InitPidAsync(Hearthd, id)));
        Assert.Equal(Count, uids.Distinct().Count());
        Assert.All(uids, uid => Assert.True(uid >= Hearthd.UidBase && (uid - Hearthd.UidBase) % 65536 == 0, $"uid {uid}"));

        var deletes = await Task.WhenAll(ids.Select(id => Hearthd.DeleteAsync("/workspace/" + id))).Within(TimeSpan.FromMinutes(4));

        foreach (var delete in deletes)
            ApiAssert.Status(delete, HttpStatusCode.OK);
        foreach (var id in ids)
            Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
        Assert.Equal(0, (await Hearthd.GetAsync("/workspace").Within()).Json.GetProperty("total").GetInt32());
        Assert.Empty(HostProbe.WorkspaceFolders(Hearthd));
        Assert.Empty(HostTraces.MountsUnder(Hearthd.DataDir));
        Assert.DoesNotContain(HostTraces.LoopBackingFiles(), f => f.StartsWith(Hearthd.DataDir, StringComparison.Ordinal));
    }
}
