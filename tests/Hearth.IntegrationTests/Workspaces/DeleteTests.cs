using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>Delete removes every trace: container, cgroups, mounts, loop device, disk, folder and row.</summary>
public sealed class DeleteTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Delete_of_a_running_workspace_leaves_no_trace()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        Assert.NotEmpty(await HostTraces.FindAsync(Hearthd, id).Within()); // the probe sees a live one

        var deleted = await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create);

        ApiAssert.Status(deleted, HttpStatusCode.OK);
        Assert.True(deleted.Json.GetProperty("success").GetBoolean());
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
        ApiAssert.Error(await Hearthd.GetAsync("/workspace/" + id).Within(), HttpStatusCode.NotFound, "not_found");
        Assert.False(File.Exists(HostProbe.DiskFile(Hearthd, id)));
        Assert.False(Directory.Exists(HostProbe.WorkspaceDir(Hearthd, id)));
        Assert.Empty(HostTraces.CgroupDirsOf(id));
    }

    [Fact]
    public async Task Delete_of_a_stopped_workspace_removes_its_kept_disk()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create), HttpStatusCode.OK);
        Assert.True(File.Exists(HostProbe.DiskFile(Hearthd, id)));

        ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create), HttpStatusCode.OK);

        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
        Assert.False(File.Exists(HostProbe.DiskFile(Hearthd, id)));
        ApiAssert.Error(await Hearthd.DeleteAsync("/workspace/" + id).Within(), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Delete_of_a_paused_workspace_leaves_no_trace()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/pause").Within(), HttpStatusCode.OK);

        ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create), HttpStatusCode.OK);

        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
        ApiAssert.Error(await Hearthd.GetAsync("/workspace/" + id).Within(), HttpStatusCode.NotFound, "not_found");
    }
}
