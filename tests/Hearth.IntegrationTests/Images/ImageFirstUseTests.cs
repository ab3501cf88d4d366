using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.IntegrationTests.Workspaces;

namespace Hearth.IntegrationTests.Images;

/// <summary>The first uses of a catalogue image that was never built (an empty images dir of its own).</summary>
public sealed class ImageFirstUseTests(ColdImagesFixture fixture) : IClassFixture<ColdImagesFixture>
{
    [Fact]
    public async Task Two_concurrent_first_creates_of_busybox_build_it_once_and_both_run()
    {
        var hearthd = fixture.Hearthd;
        Assert.False(Directory.Exists(Path.Combine(fixture.ImagesDir, "refs")) && Directory.EnumerateFiles(Path.Combine(fixture.ImagesDir, "refs")).Any(), "the images dir starts empty");

        var creates = await Task.WhenAll(
            hearthd.PostAsync("/workspace", """{"image":"busybox"}"""),
            hearthd.PostAsync("/workspace", """{"image":"busybox"}""")).Within(TimeSpan.FromMinutes(5));

        foreach (var create in creates)
        {
            create.EnsureStatus(HttpStatusCode.Created);
            var id = create.Workspace.GetProperty("id").GetString()!;
            Assert.Equal("up", (await hearthd.ExecAsync(id, "echo", "up").Within()).Stdout.Trim());
        }
        var log = hearthd.ReadLog();
        Assert.Equal(1, ImageMaintenanceTests.Count(log, "image busybox: ready,"));
        Assert.Equal(1, ImageMaintenanceTests.Count(log, "building busybox:"));
    }
}
