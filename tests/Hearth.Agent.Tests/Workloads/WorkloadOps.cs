using System.Text;
using System.Text.Json;
using Hearth.Agent.Tests.Infrastructure;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Workloads;

namespace Hearth.Agent.Tests.Workloads;

/// <summary>Calls the agent's <c>workload.*</c> and <c>logs.*</c> operations the way hearthd does.</summary>
internal static class WorkloadOps
{
    public static async Task<AgentMessage> CallAsync(AgentClient client, string op, object args)
    {
        var element = JsonSerializer.SerializeToElement(args, AgentWorkloadJsonContext.Default.Options);
        return await (await client.StartOperationAsync(op, element)).WaitForEndAsync(TimeSpan.FromSeconds(30));
    }

    public static async Task<WorkloadInfo> InfoAsync(AgentClient client, string op, WorkloadArgs args)
    {
        var end = await CallAsync(client, op, args);
        Assert.True(end.Op == "result", $"{op}: {end.Error} {end.Message}");
        return end.Result!.Value.Deserialize(AgentWorkloadJsonContext.Default.WorkloadInfo)!;
    }

    public static Task<WorkloadInfo> CreateAsync(AgentClient client, WorkloadSpec spec) =>
        InfoAsync(client, "workload.create", new WorkloadArgs { Spec = spec });

    public static Task<WorkloadInfo> GetAsync(AgentClient client, string reference) =>
        InfoAsync(client, "workload.get", new WorkloadArgs { Ref = reference });

    /// <summary>Polls until <paramref name="done"/> holds for the workload, or fails after <paramref name="seconds"/>.</summary>
    public static async Task<WorkloadInfo> WaitForAsync(AgentClient client, string reference, Func<WorkloadInfo, bool> done, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var info = await GetAsync(client, reference);
            if (done(info)) return info;
            if (DateTime.UtcNow > deadline) Assert.Fail($"workload {reference} stayed {info.Status} (restarts {info.RestartCount}, error {info.Error})");
            await Task.Delay(50);
        }
    }

    /// <summary>Reads a log without follow: its text and the cursors.</summary>
    public static async Task<(string Text, long Start, long End)> ReadLogAsync(AgentClient client, LogArgs args)
    {
        var read = await client.StartOperationAsync("logs.read", JsonSerializer.SerializeToElement(args, AgentWorkloadJsonContext.Default.LogArgs));
        var end = await read.WaitForEndAsync(TimeSpan.FromSeconds(30));
        Assert.True(end.Op == "result", $"logs.read: {end.Error} {end.Message}");
        var start = read.EventsSoFar().First(e => e.Op == "event").Result!.Value.GetProperty("cursor").GetInt64();
        return (Encoding.UTF8.GetString(read.Stdout), start, end.Result!.Value.GetProperty("cursor").GetInt64());
    }

    /// <summary>The text of each line of a log (without timestamp and stream).</summary>
    public static IEnumerable<(char Stream, string Text)> Lines(string log) =>
        log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (l[25], l[27..]));
}
