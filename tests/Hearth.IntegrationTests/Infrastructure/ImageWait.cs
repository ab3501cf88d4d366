using System.Net;
using System.Text.Json;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>Waits for hearthd's background builds (<c>--prebuild-images</c>) through <c>GET /workspace/images</c>.</summary>
internal static class ImageWait
{
    /// <summary>A cold build of the whole catalogue on 2 busy cores; the first run of the suite pays it.</summary>
    public static readonly TimeSpan FirstBuild = TimeSpan.FromMinutes(30);

    /// <summary>Polls until <paramref name="name"/> is ready; fails at once if its build failed.</summary>
    public static async Task<JsonElement> ForReadyAsync(HearthdInstance hearthd, string name)
    {
        var deadline = DateTime.UtcNow + FirstBuild;
        while (true)
        {
            var images = await hearthd.GetAsync("/workspace/images").Within();
            ApiAssert.Status(images, HttpStatusCode.OK);
            var image = images.Json.GetProperty("images").EnumerateArray().Single(i => i.GetProperty("id").GetString() == name);
            var status = image.GetProperty("status").GetString();
            if (status == "ready") return image.Clone();
            Assert.True(status is "building" or "missing", $"image {name} is {status}: {image}");
            Assert.True(DateTime.UtcNow < deadline, $"image {name} not ready after {FirstBuild.TotalMinutes} min: {image}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }
}
