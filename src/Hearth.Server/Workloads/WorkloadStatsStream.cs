using System.Text.Json;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workloads;
using Hearth.Runtime;
using Hearth.Server.Api;

namespace Hearth.Server.Workloads;

/// <summary>
/// Workload stats as Server-Sent Events: every interval one event per workload,
/// <c>{"type": "stats", ...WorkloadStats}</c>. It asks the agent at each tick (the agent keeps
/// the previous sample, so CPU percent covers the interval); the stream ends when the
/// workspace stops, its client leaves or hearthd stops.
/// </summary>
internal static class WorkloadStatsStream
{
    public const int MinIntervalSeconds = 1, MaxIntervalSeconds = 60, DefaultIntervalSeconds = 2;

    public static async Task RunAsync(HttpContext context, WorkloadAgent agent, string workspace, string? reference, int intervalSeconds)
    {
        using var stop = SseWriter.Lifetime(context);
        var token = stop.Token;
        // The first sample before the response is committed: an unknown workload is a 404.
        var stats = await agent.StatsAsync(workspace, reference, token);

        await using var sse = await SseWriter.StartAsync(context.Response, $"workload stats every {intervalSeconds} s", token);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(intervalSeconds));
        try
        {
            while (true)
            {
                foreach (var sample in stats)
                    await sse.WriteAsync(Event(sample), flush: false);
                await sse.FlushAsync();
                if (!await timer.WaitForNextTickAsync(token)) return;
                stats = await agent.StatsAsync(workspace, reference, token);
            }
        }
        catch (Exception e) when (e is RuntimeException { Code: "agent_unreachable" } or ApiException { Code: "workspace_not_running" })
        {
            // The workspace stopped: so does the stream.
        }
        catch (RuntimeException e)
        {
            await StreamErrors.SendAsync(sse, e.Code, e.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && token.IsCancellationRequested)
        {
            // The client left, or hearthd is stopping.
        }
    }

    /// <summary>The sample's fields with <c>type</c> first (the form Oblien's gateway frames have).</summary>
    public static string Event(WorkloadStats sample)
    {
        var json = JsonSerializer.Serialize(sample, HearthJsonContext.Default.WorkloadStats);
        return "{\"type\":\"stats\"," + json[1..];
    }
}
