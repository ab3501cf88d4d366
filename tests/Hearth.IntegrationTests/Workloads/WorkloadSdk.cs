using Hearth.Protocol.Workloads;
using Hearth.Sdk;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workloads;

/// <summary>The C# SDK pointed at a test hearthd, and small waits on workloads.</summary>
internal static class WorkloadSdk
{
    public static HearthClient Client(HearthdInstance hearthd) => new(new HearthClientOptions
    {
        BaseAddress = new Uri(hearthd.ApiUrl),
        ClientId = hearthd.ClientId,
        ClientSecret = hearthd.ClientSecret,
    });

    /// <summary>Polls the workload until <paramref name="done"/> holds; fails with its last state after <paramref name="seconds"/>.</summary>
    public static async Task<WorkloadInfo> WaitForAsync(HearthClient client, string workspaceId, string workload, Func<WorkloadInfo, bool> done, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var info = await client.Workspaces.Workloads.GetAsync(workspaceId, workload);
            if (done(info)) return info;
            if (DateTime.UtcNow > deadline) Assert.Fail($"workload {workload} stayed {info.Status} (error {info.Error}, restarts {info.RestartCount})");
            await Task.Delay(100);
        }
    }

    /// <summary>The numbers of the lines <c>PREFIX-N</c> in a log's entries, in order.</summary>
    public static List<long> Numbers(IEnumerable<string> lines, string prefix) =>
        lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => long.Parse(l[prefix.Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
