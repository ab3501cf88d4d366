using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workloads;

/// <summary>Bounded polls of the workload API for states that come about by themselves (a process printing, exiting, restarting).</summary>
internal static class WorkloadWait
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="logsPath"/> (a <c>GET .../logs</c>) until its entries satisfy <paramref name="match"/>; returns the whole answer.</summary>
    public static async Task<JsonElement> LogsAsync(HearthdInstance hearthd, string logsPath, Func<IReadOnlyList<JsonElement>, bool> match)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var response = await hearthd.GetAsync(logsPath).Within();
            ApiAssert.Status(response, HttpStatusCode.OK);
            var entries = response.Json.GetProperty("entries").EnumerateArray().ToList();
            if (match(entries)) return response.Json;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"GET {logsPath}: not there within {Timeout}: {response.Body}");
            await Task.Delay(50);
        }
    }

    /// <summary>Polls <c>GET .../workloads/:wid</c> until its status is <paramref name="status"/>; returns the workload.</summary>
    public static async Task<JsonElement> StatusAsync(HearthdInstance hearthd, string workloadPath, string status)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var response = await hearthd.GetAsync(workloadPath).Within();
            ApiAssert.Status(response, HttpStatusCode.OK);
            var workload = response.Json.GetProperty("workload");
            if (workload.GetProperty("status").GetString() == status) return workload;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"GET {workloadPath}: not {status} within {Timeout}: {response.Body}");
            await Task.Delay(50);
        }
    }

    /// <summary>The <c>line</c> of each entry.</summary>
    public static List<string> Lines(IEnumerable<JsonElement> entries, string stream = "stdout") =>
        [.. entries.Where(e => e.GetProperty("stream").GetString() == stream).Select(e => e.GetProperty("line").GetString()!)];
}
