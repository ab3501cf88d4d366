using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>hearthd started with <c>--max-workspaces 3</c>.</summary>
public sealed class MaxThreeWorkspacesFixture : HearthdFixture
{
    public const int Max = 3;

    protected override string[] Flags => ["--max-workspaces", "3"];
}

/// <summary>
/// hearthd with an image cache of its own that starts empty and prebuilds nothing, so the first
/// creates wait for the busybox build, as on a fresh host.
/// </summary>
public class ColdImagesFixture : HearthdFixture
{
    public string ImagesDir { get; } = Path.Combine(Path.GetTempPath(), "hearth-cold-images-" + Guid.NewGuid().ToString("N")[..10]);

    protected override string[] Flags => ["--images-dir", ImagesDir, "--prebuild-images", "none", .. MoreFlags];

    protected virtual string[] MoreFlags => [];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(ImagesDir, recursive: true); } catch (IOException) { }
    }
}

/// <summary><see cref="ColdImagesFixture"/> with <c>--max-workspaces 3</c>.</summary>
public sealed class ColdImagesMaxThreeFixture : ColdImagesFixture
{
    protected override string[] MoreFlags => ["--max-workspaces", "3"];
}

/// <summary>Concurrent first creates on a fresh host, while the image they need is being built.</summary>
public sealed class ColdCapacityTests(ColdImagesMaxThreeFixture fixture) : IClassFixture<ColdImagesMaxThreeFixture>
{
    [Fact]
    public async Task Concurrent_creates_that_wait_for_an_image_build_never_exceed_max_workspaces()
    {
        var hearthd = fixture.Hearthd;
        Assert.False(File.Exists(Path.Combine(fixture.ImagesDir, "busybox", "manifest.json")), "busybox must not be built yet");

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => hearthd.PostAsync("/workspace", """{"image":"busybox"}""")))
            .Within(Bounded.Create);

        var created = answers.Count(a => a.Status == HttpStatusCode.Created);
        var refused = answers.Where(a => a.Status == HttpStatusCode.UnprocessableEntity).ToList();
        var total = (await hearthd.GetAsync("/workspace").Within()).Json.GetProperty("total").GetInt32();
        Assert.True(created == 3 && refused.Count == 3,
            $"6 concurrent creates with max_workspaces 3: {created} created, {refused.Count} refused; total now {total}");
        Assert.All(refused, r => ApiAssert.Error(r, HttpStatusCode.UnprocessableEntity, "insufficient_capacity"));
        Assert.Equal(3, total);
    }
}

/// <summary>What the host cannot give is refused with 422 before anything is made.</summary>
public sealed class CapacityTests(MaxThreeWorkspacesFixture fixture) : IClassFixture<MaxThreeWorkspacesFixture>
{
    private const int Max = MaxThreeWorkspacesFixture.Max;

    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task A_create_beyond_max_workspaces_is_422_and_a_delete_makes_room()
    {
        try
        {
            var ids = new List<string>();
            for (var i = 0; i < Max; i++)
                ids.Add(await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create));

            var refused = await Hearthd.PostAsync("/workspace", """{"image":"busybox"}""").Within(Bounded.Create);

            ApiAssert.Error(refused, HttpStatusCode.UnprocessableEntity, "insufficient_capacity");
            Assert.Contains("max_workspaces", ApiAssert.Message(refused), StringComparison.Ordinal);
            Assert.Equal(Max, await TotalAsync());
            Assert.Equal(Max, HostProbe.WorkspaceFolders(Hearthd).Count);

            ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + ids[0]).Within(Bounded.Create), HttpStatusCode.OK);
            ApiAssert.Status(await Hearthd.PostAsync("/workspace", """{"image":"busybox"}""").Within(Bounded.Create), HttpStatusCode.Created);
        }
        finally
        {
            await DeleteAllAsync();
        }
    }

    [Fact]
    public async Task A_host_at_max_workspaces_still_resizes_and_restarts_its_workspaces()
    {
        try
        {
            var ids = new List<string>();
            for (var i = 0; i < Max; i++)
                ids.Add(await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create));

            var resize = await Hearthd.SendAsync(HttpMethod.Put, $"/workspace/{ids[0]}/resources", """{"cpus":2}""").Within();

            ApiAssert.Status(resize, HttpStatusCode.OK);
            Assert.Equal("200000", HostProbe.ReadCgroup("cpu", ids[0], "cpu.cfs_quota_us"));
            ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{ids[1]}/restart").Within(Bounded.Create), HttpStatusCode.OK);
        }
        finally
        {
            await DeleteAllAsync();
        }
    }

    [Fact]
    public async Task Concurrent_creates_never_exceed_max_workspaces()
    {
        try
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 4 * Max).Select(_ => Hearthd.PostAsync("/workspace", """{"image":"busybox"}""")))
                .Within(Bounded.Create);

            var created = answers.Count(a => a.Status == HttpStatusCode.Created);
            var refused = answers.Where(a => a.Status == HttpStatusCode.UnprocessableEntity).ToList();
            Assert.True(created == Max && refused.Count == 3 * Max,
                $"{4 * Max} concurrent creates with max_workspaces {Max}: {created} created, {refused.Count} refused; total now {await TotalAsync()}");
            Assert.All(refused, r => ApiAssert.Error(r, HttpStatusCode.UnprocessableEntity, "insufficient_capacity"));
            Assert.Equal(Max, await TotalAsync());
        }
        finally
        {
            await DeleteAllAsync();
        }
    }

    [Fact]
    public async Task A_disk_larger_than_the_free_space_of_the_pool_is_422_naming_disk_size_mb()
    {
        var freeMb = new DriveInfo(Path.Combine(Hearthd.DataDir, "disks")).AvailableFreeSpace / (1024 * 1024);
        Assert.True(freeMb < 204_800 - 1024, $"this test needs a disk pool with less than 200 GiB free (it has {freeMb} MiB)");
        var totalBefore = await TotalAsync();

        var response = await Hearthd.PostAsync("/workspace", $$$"""{"image":"busybox","config":{"disk_size_mb":{{{freeMb + 1024}}}}}""").Within(Bounded.Create);

        ApiAssert.Error(response, HttpStatusCode.UnprocessableEntity, "insufficient_capacity");
        ApiAssert.NamesField(response, "disk_size_mb");
        Assert.Equal(totalBefore, await TotalAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Hearthd.DataDir, "disks")));
    }

    private async Task<int> TotalAsync() => (await Hearthd.GetAsync("/workspace").Within()).Json.GetProperty("total").GetInt32();

    private async Task DeleteAllAsync()
    {
        var list = await Hearthd.GetAsync("/workspace?limit=500").Within();
        foreach (var ws in list.Json.GetProperty("workspaces").EnumerateArray())
            await Hearthd.DeleteAsync("/workspace/" + ws.GetProperty("id").GetString()).Within(Bounded.Create);
    }
}
