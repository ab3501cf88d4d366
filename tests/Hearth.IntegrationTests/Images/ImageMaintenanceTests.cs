using System.Net;
using Hearth.IntegrationTests.Images.Oci;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.IntegrationTests.Workspaces;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Images;

/// <summary>
/// Image maintenance with the published CLI while workspaces run: removing an image in use,
/// pruning around the layers workspaces pin, and rebuilding a catalogue image under a running
/// workspace. An images dir of its own (<see cref="ColdImagesFixture"/>), so prune sees only this class's layers.
/// </summary>
public sealed class ImageMaintenanceTests(ColdImagesFixture fixture) : IClassFixture<ColdImagesFixture>, IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("hearth-maint-").FullName;

    private HearthdInstance Hearthd => fixture.Hearthd;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task Rm_of_an_image_in_use_keeps_its_workspace_and_prune_frees_its_layers_only_after_the_delete()
    {
        var image = ShellImage.BaseOnly();
        image.Layers.Add(new LayerTar().File("unique", "maintenance-" + Guid.NewGuid().ToString("N")).Build());
        var archive = Path.Combine(scratch, "pinned.tar");
        image.WriteDockerSave(archive, "pinned:1");
        var import = await HearthAsync("image", "import", archive);
        Assert.True(import.ExitCode == 0, import.ToString());
        var layers = image.DiffIds.Select(d => Path.Combine(fixture.ImagesDir, "layers", d["sha256:".Length..])).ToList();
        Assert.All(layers, l => Assert.True(Directory.Exists(l), l));
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"pinned:1"}""").Within(Bounded.Create);

        var rm = await HearthAsync("image", "rm", "pinned:1");
        Assert.True(rm.ExitCode == 0, rm.ToString());
        Assert.Equal("pinned:1", rm.Stdout.Trim());
        ApiAssert.Error(await Hearthd.GetAsync("/workspace/images/pinned:1").Within(), HttpStatusCode.NotFound, "not_found");

        var pruned = await HearthAsync("image", "prune", "--json");
        Assert.True(pruned.ExitCode == 0, pruned.ToString());
        Assert.All(layers, l => Assert.True(Directory.Exists(Path.Combine(l, "tree")), $"{l} is pinned by {id} and must stay"));
        Assert.Equal("running", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within()));
        var exec = await Hearthd.ShAsync(id, "cat /unique; echo; echo works > /tmp/w && cat /tmp/w").Within();
        Assert.True(exec.ExitCode == 0, exec.ToString());
        Assert.EndsWith("works", exec.Stdout.Trim(), StringComparison.Ordinal);

        (await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create)).EnsureStatus(HttpStatusCode.OK);
        var prune = (await Hearthd.PostAsync("/workspace/images/prune").Within()).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.True(prune.GetProperty("removed_layers").GetInt32() >= 2, prune.ToString());
        Assert.True(prune.GetProperty("freed_bytes").GetInt64() > 0, prune.ToString());
        Assert.All(layers, l => Assert.False(Directory.Exists(l), $"{l} is used by nothing and must be gone"));
        ApiAssert.Error(await Hearthd.PostAsync("/workspace", """{"image":"pinned:1"}""").Within(), HttpStatusCode.BadRequest, "invalid_image");
    }

    [Fact]
    public async Task A_rebuild_of_busybox_under_a_running_workspace_keeps_it_and_new_creates_use_the_new_record()
    {
        var old = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var before = (await Hearthd.GetAsync("/workspace/images/busybox").Within()).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("image");
        Assert.Equal("ready", before.GetProperty("status").GetString());

        var rebuild = await HearthAsync("image", "build", "busybox", "--rebuild");

        Assert.True(rebuild.ExitCode == 0, rebuild + "\n" + Hearthd.ReadLog());
        var lines = rebuild.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^ +\d+\.\ds  rebuilding busybox: \d+ layers?$", lines[0]);
        Assert.StartsWith("busybox: ready, ", lines[^1], StringComparison.Ordinal);
        var after = (await Hearthd.GetAsync("/workspace/images/busybox").Within()).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("image");
        Assert.True(after.GetProperty("built_at").GetDateTimeOffset() > before.GetProperty("built_at").GetDateTimeOffset(), "a new record was written");

        Assert.Equal("running", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + old).Within()));
        var still = await Hearthd.ExecAsync(old, "echo", "still").Within();
        Assert.True(still.Stdout.Trim() == "still", $"{still}\n{Hearthd.ReadLog()}");
        var fresh = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var echo = await Hearthd.ExecAsync(fresh, "echo", "new").Within();
        Assert.True(echo.Stdout.Trim() == "new", $"{echo}\n{Hearthd.ReadLog()}");
        Assert.Equal(2, Count(Hearthd.ReadLog(), "image busybox: ready,"));
    }

    [Fact]
    public async Task Build_of_something_not_in_the_catalogue_is_404_and_rm_of_an_unknown_image_exits_1()
    {
        var build = await HearthAsync("image", "build", "not-an-image");
        Assert.Equal(1, build.ExitCode);
        Assert.Contains("(not_found)", build.Stderr, StringComparison.Ordinal);

        var rm = await HearthAsync("image", "rm", "never/was:1");
        Assert.Equal(1, rm.ExitCode);
        Assert.Contains("(not_found)", rm.Stderr, StringComparison.Ordinal);
    }

    internal static int Count(string text, string what) =>
        text.Split('\n').Count(l => l.Contains(what, StringComparison.Ordinal));

    private Task<CommandResult> HearthAsync(params string[] args) =>
        Command.RunAsync(RepositoryPaths.HearthCli,
            [.. args, "--url", Hearthd.ApiUrl, "--credentials", Path.Combine(Hearthd.DataDir, "admin-credentials.json")],
            TimeSpan.FromMinutes(5)).Within(TimeSpan.FromMinutes(5));
}
