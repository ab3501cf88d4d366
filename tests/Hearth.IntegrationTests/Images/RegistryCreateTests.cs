using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Sdk;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Images;

/// <summary>
/// Registry references through hearthd: a create pulls an unknown reference (token auth, digests
/// checked) and runs it with its whiteouts and config; the SDK and CLI pull with progress; an
/// unknown tag or wrong credentials fail cleanly; two concurrent first creates pull once.
/// </summary>
public sealed class RegistryCreateTests(RegistryHearthdFixture fixture) : IClassFixture<RegistryHearthdFixture>, IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("hearth-regpush-").FullName;

    private HearthdInstance Hearthd => fixture.Hearthd;
    private RegistryFixture Registry => fixture.Registry;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private async Task<string> PushAsync(string repository, string tag, string user = "1000:1000")
    {
        var layout = Path.Combine(scratch, Guid.NewGuid().ToString("N")[..8]);
        ShellImage.Create(user).WriteOciLayout(layout, tag, gzip: true);
        await Registry.PushAsync(layout, tag, repository).Within(TimeSpan.FromMinutes(2));
        return $"{Registry.Host}/{repository}:{tag}";
    }

    [Fact]
    public async Task A_create_with_a_registry_reference_pulls_it_and_runs_it_merged_with_its_config()
    {
        var reference = await PushAsync("demo", "1");

        var id = await Hearthd.CreateWorkspaceAsync($$"""{"image":"{{reference}}"}""").Within(Bounded.Create);

        Assert.Equal("running", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within()));
        await ShellImage.AssertRunsAsImageSaysAsync(Hearthd, id);
        var image = (await Hearthd.GetAsync("/workspace/images/" + reference).Within()).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("image");
        Assert.Equal("registry", image.GetProperty("source").GetString());
        Assert.Equal(2, image.GetProperty("layers").GetArrayLength());
        Assert.StartsWith("sha256:", image.GetProperty("digest").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_creates_from_a_reference_and_pulls_with_progress()
    {
        var reference = await PushAsync("demo/cli", "2", user: "app");

        var create = await HearthAsync("ws", "create", "--image", reference);
        Assert.True(create.ExitCode == 0, create + "\n" + Hearthd.ReadLog());
        await ShellImage.AssertRunsAsImageSaysAsync(Hearthd, create.Stdout.Trim());

        // Pulled again (a tag may move): the layers are here already, nothing is fetched twice.
        var pull = await HearthAsync("image", "pull", reference);
        Assert.True(pull.ExitCode == 0, pull.ToString());
        var lines = pull.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches($@"^ +\d+\.\ds  pulling {System.Text.RegularExpressions.Regex.Escape(reference)}$", lines[0]);
        Assert.Contains(lines, l => l.EndsWith(": already here", StringComparison.Ordinal));
        Assert.StartsWith($"{reference}: ready, 2 layers, ", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sdk_pulls_with_progress_and_reads_the_image_back()
    {
        var reference = await PushAsync("demo/sdk", "3");
        using var client = new HearthClient(new HearthClientOptions { BaseAddress = new Uri(Hearthd.ApiUrl), ClientId = Hearthd.ClientId, ClientSecret = Hearthd.ClientSecret });
        var steps = new List<string>();

        var image = await client.Workspaces.Images.PullAsync(reference, new SyncProgress(steps.Add)).Within(Bounded.Create);

        Assert.Equal(reference, image.Id);
        Assert.Equal("registry", image.Source);
        Assert.Equal(2, image.Layers.Count);
        Assert.Equal($"pulling {reference}", steps[0]);
        Assert.True(steps.Count >= 3, string.Join('\n', steps));
        Assert.Equal(image.Digest, (await client.Workspaces.Images.GetAsync(reference).Within()).Digest);

        var missing = await Assert.ThrowsAsync<HearthValidationException>(() =>
            client.Workspaces.Images.PullAsync($"{Registry.Host}/demo/sdk:nope").Within(Bounded.Create));
        Assert.Equal("invalid_image", missing.Code);
        await Assert.ThrowsAsync<HearthNotFoundException>(() => client.Workspaces.Images.GetAsync($"{Registry.Host}/demo/sdk:nope").Within());
    }

    [Fact]
    public async Task An_unknown_tag_is_400_invalid_image_naming_it_and_leaves_nothing()
    {
        await PushAsync("demo/known", "1");
        var reference = $"{Registry.Host}/demo/known:nope";
        var layersBefore = LayerDirs(fixture.ImagesDir);
        var workspacesBefore = await WorkspaceCountAsync(Hearthd);

        var create = await Hearthd.PostAsync("/workspace", $$"""{"image":"{{reference}}"}""").Within(Bounded.Create);

        ApiAssert.Error(create, HttpStatusCode.BadRequest, "invalid_image");
        Assert.Contains(reference, create.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(workspacesBefore, await WorkspaceCountAsync(Hearthd));
        AssertNothingHalfMade(fixture.ImagesDir, layersBefore);
        ApiAssert.Error(await Hearthd.GetAsync("/workspace/images/" + reference).Within(), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Wrong_credentials_are_502_registry_auth_failed_and_leave_nothing()
    {
        var reference = await PushAsync("demo/secret", "1");
        var images = Path.Combine(Path.GetTempPath(), "hearth-wrongcreds-" + Guid.NewGuid().ToString("N")[..8]);
        var wrong = await HearthdInstance.StartAsync("--images-dir", images, "--prebuild-images", "none",
            "--registry-credentials", $"{Registry.Host}={RegistryFixture.User}:not-the-password",
            "--insecure-registries", Registry.TokenHost).Within(Bounded.Daemon);
        try
        {
            var create = await wrong.PostAsync("/workspace", $$"""{"image":"{{reference}}"}""").Within(Bounded.Create);

            ApiAssert.Error(create, HttpStatusCode.BadGateway, "registry_auth_failed");
            Assert.Equal(0, await WorkspaceCountAsync(wrong));
            AssertNothingHalfMade(images, []);
            Assert.Empty(LayerDirs(images));
        }
        finally
        {
            await wrong.DisposeAsync().AsTask().Within(Bounded.Daemon);
            try { Directory.Delete(images, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Two_concurrent_first_creates_of_a_reference_pull_it_once_and_both_run()
    {
        var reference = await PushAsync("demo/twice", "1");

        var creates = await Task.WhenAll(
            Hearthd.PostAsync("/workspace", $$"""{"image":"{{reference}}"}"""),
            Hearthd.PostAsync("/workspace", $$"""{"image":"{{reference}}"}""")).Within(Bounded.Create);

        foreach (var create in creates)
        {
            create.EnsureStatus(HttpStatusCode.Created);
            await ShellImage.AssertRunsAsImageSaysAsync(Hearthd, create.Workspace.GetProperty("id").GetString()!);
        }
        var log = Hearthd.ReadLog();
        Assert.Equal(1, Count(log, $"image {reference}: ready,"));
        Assert.Equal(1, Count(log, $": pulling {reference}"));
    }

    private static int Count(string text, string what) =>
        text.Split('\n').Count(l => l.Contains(what, StringComparison.Ordinal));

    private static async Task<int> WorkspaceCountAsync(HearthdInstance hearthd) =>
        (await hearthd.GetAsync("/workspace?limit=500").Within()).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("workspaces").GetArrayLength();

    private static List<string> LayerDirs(string imagesDir)
    {
        var layers = Path.Combine(imagesDir, "layers");
        return Directory.Exists(layers) ? [.. Directory.EnumerateDirectories(layers).Select(Path.GetFileName).OfType<string>().Order()] : [];
    }

    private static void AssertNothingHalfMade(string imagesDir, List<string> layersBefore)
    {
        Assert.Equal(layersBefore, LayerDirs(imagesDir));
        if (Directory.Exists(imagesDir))
            Assert.Empty(Directory.EnumerateDirectories(imagesDir, ".pull-*"));
    }

    private Task<CommandResult> HearthAsync(params string[] args) =>
        Command.RunAsync(RepositoryPaths.HearthCli,
            [.. args, "--url", Hearthd.ApiUrl, "--credentials", Path.Combine(Hearthd.DataDir, "admin-credentials.json")],
            TimeSpan.FromMinutes(2)).Within(Bounded.Create);

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> would post to the pool).</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
