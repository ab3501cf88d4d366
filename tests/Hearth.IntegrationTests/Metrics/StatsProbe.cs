using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Metrics;

/// <summary>Reads <c>GET /workspace/:id/stats</c> and waits for its figures to move.</summary>
internal static class StatsProbe
{
    public const long MiB = 1024 * 1024;

    public static async Task<JsonElement> StatsAsync(HearthdInstance hearthd, string workspace)
    {
        var response = (await hearthd.GetAsync($"/workspace/{workspace}/stats").Within()).EnsureStatus(HttpStatusCode.OK);
        Assert.True(response.Json.GetProperty("success").GetBoolean());
        return response.Json.GetProperty("stats");
    }

    /// <summary>Reads the stats until <paramref name="done"/> holds (fails the test after <paramref name="timeout"/>, naming the last figures).</summary>
    public static async Task<JsonElement> WaitForAsync(HearthdInstance hearthd, string workspace, Func<JsonElement, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var stats = await StatsAsync(hearthd, workspace);
            if (done(stats)) return stats;
            if (clock.Elapsed > timeout) Assert.Fail($"{what}: not within {timeout}; last stats {stats}");
            await Task.Delay(300);
        }
    }

    public static double Cpu(JsonElement stats) => stats.GetProperty("cpuUsage").GetDouble();

    public static long MemoryUsed(JsonElement stats) => stats.GetProperty("guestMemoryUsed").GetInt64();

    public static long DiskUsed(JsonElement stats) => stats.GetProperty("guestDiskUsed").GetInt64();

    public static long NetworkIn(JsonElement stats) => stats.GetProperty("networkInBytes").GetInt64();

    public static long NetworkOut(JsonElement stats) => stats.GetProperty("networkOutBytes").GetInt64();
}
