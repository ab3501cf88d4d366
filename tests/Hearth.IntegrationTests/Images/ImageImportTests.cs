using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.IntegrationTests.Workspaces;
using Hearth.Sdk;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Images;

/// <summary>
/// <c>hearth image import</c> (the published CLI) of archives built here, then workspaces created
/// from them: layers merged with their whiteouts, the image config on the main command; and the
/// image endpoints listing what was imported. An images dir of its own (<see cref="ColdImagesFixture"/>).
/// </summary>
public sealed class ImageImportTests(ColdImagesFixture fixture) : IClassFixture<ColdImagesFixture>, IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("hearth-import-").FullName;

    private HearthdInstance Hearthd => fixture.Hearthd;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task A_docker_save_archive_imported_by_the_cli_runs_merged_with_its_config()
    {
        var archive = Path.Combine(scratch, "docker.tar");
        ShellImage.Create(user: "1000:1000").WriteDockerSave(archive, "shell-docker:1");

        var import = await HearthAsync("image", "import", archive);

        Assert.True(import.ExitCode == 0, import + "\n" + Hearthd.ReadLog());
        var lines = import.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^ +\d+\.\ds  reading the archive$", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^ +\d+\.\ds  layer 2/2 [0-9a-f]{12}"));
        Assert.StartsWith("shell-docker:1: ready, 2 layers, ", lines[^1], StringComparison.Ordinal);

        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"shell-docker:1"}""").Within(Bounded.Create);
        await ShellImage.AssertRunsAsImageSaysAsync(Hearthd, id);
    }

    [Fact]
    public async Task An_oci_layout_archive_imported_by_the_cli_runs_as_a_user_named_in_its_passwd()
    {
        var archive = Path.Combine(scratch, "oci.tar.gz");
        ShellImage.Create(user: "app").WriteOciLayoutTar(archive, "ignored", gzipLayers: true, gzipArchive: true);

        var import = await HearthAsync("image", "import", archive, "--name", "local/shell-oci:2");

        Assert.True(import.ExitCode == 0, import + "\n" + Hearthd.ReadLog());
        Assert.StartsWith("local/shell-oci:2: ready, 2 layers, ", import.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);

        var create = await HearthAsync("ws", "create", "--image", "local/shell-oci:2");
        Assert.True(create.ExitCode == 0, create.ToString());
        await ShellImage.AssertRunsAsImageSaysAsync(Hearthd, create.Stdout.Trim());

        // A create's own cmd replaces the image's; the image's user and working dir stay.
        var own = await Hearthd.CreateWorkspaceAsync("""{"image":"local/shell-oci:2","config":{"cmd":["sh","-c","id -un > /tmp/own; sleep 1000"]}}""").Within(Bounded.Create);
        Assert.Equal("app", (await ShellImage.EventuallyAsync(Hearthd, own, "cat /tmp/own")).Trim());
        Assert.False((await Hearthd.ShAsync(own, "test -e /tmp/who").Within()).ExitCode == 0, "the image's Cmd did not run");
    }

    [Fact]
    public async Task The_image_endpoints_list_and_get_imported_images_by_name_and_404_for_unknown()
    {
        var archive = Path.Combine(scratch, "listed.tar");
        var image = ShellImage.Create(user: "0");
        var digest = image.WriteOciLayoutTar(archive, "listed", gzipLayers: false, gzipArchive: false);
        var import = await HearthAsync("image", "import", archive, "--name", "team/listed:1.0");
        Assert.True(import.ExitCode == 0, import.ToString());

        var list = (await Hearthd.GetAsync("/workspace/images").Within()).EnsureStatus(HttpStatusCode.OK).Json;
        var entry = list.GetProperty("images").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "team/listed:1.0");
        Assert.Equal("import", entry.GetProperty("source").GetString());
        Assert.Equal("ready", entry.GetProperty("status").GetString());
        Assert.Equal(image.DiffIds.Select(d => d["sha256:".Length..]), entry.GetProperty("layers").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(digest, entry.GetProperty("digest").GetString());

        var one = (await Hearthd.GetAsync("/workspace/images/team/listed:1.0").Within()).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("image");
        Assert.Equal(digest, one.GetProperty("digest").GetString());
        var escaped = (await Hearthd.GetAsync("/workspace/images/team/listed%3A1.0").Within()).EnsureStatus(HttpStatusCode.OK);
        Assert.Equal("team/listed:1.0", escaped.Json.GetProperty("image").GetProperty("id").GetString());
        ApiAssert.Error(await Hearthd.GetAsync("/workspace/images/team/nope:1").Within(), HttpStatusCode.NotFound, "not_found");

        var ls = await HearthAsync("image", "ls");
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Contains(ls.Stdout.Split('\n'), l => l.StartsWith("team/listed:1.0 ", StringComparison.Ordinal) && l.Contains(" import ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_image_imported_through_the_sdk_is_listed_and_created_by_the_official_sdk()
    {
        var archive = Path.Combine(scratch, "sdk.tar");
        ShellImage.Create(user: "1000:1000").WriteDockerSave(archive, "ignored:1");
        using var client = new HearthClient(new HearthClientOptions { BaseAddress = new Uri(Hearthd.ApiUrl), ClientId = Hearthd.ClientId, ClientSecret = Hearthd.ClientSecret });
        var steps = new List<string>();

        await using (var file = File.OpenRead(archive))
        {
            var image = await client.Workspaces.Images.ImportAsync(file, "sdk/imported:1", new SyncProgress(steps.Add)).Within(Bounded.Create);
            Assert.Equal("sdk/imported:1", image.Id);
            Assert.Equal("import", image.Source);
        }
        Assert.Equal("reading the archive", steps[0]);

        await OfficialSdk.RunAsync(Hearthd, "images-list.mjs", "compat: images list passed", env: ["HEARTH_IMPORTED=sdk/imported:1"]);
    }

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> would post to the pool).</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    private Task<CommandResult> HearthAsync(params string[] args) =>
        Command.RunAsync(RepositoryPaths.HearthCli,
            [.. args, "--url", Hearthd.ApiUrl, "--credentials", Path.Combine(Hearthd.DataDir, "admin-credentials.json")],
            TimeSpan.FromMinutes(2)).Within(Bounded.Create);
}
