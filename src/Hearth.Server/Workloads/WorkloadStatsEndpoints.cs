using Hearth.Protocol.Workloads;
using Hearth.Server.Api;
using Hearth.Server.RuntimeApi.Files;

namespace Hearth.Server.Workloads;

/// <summary><c>/workspace/:id/workloads/.../stats</c>: one sample, or a stream of them, from the agent's <c>/proc</c>.</summary>
internal static class WorkloadStatsEndpoints
{
    public static void MapWorkloadStatsEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/stats/stream", (string id, HttpContext context, WorkloadAgent agent) =>
        {
            var interval = Interval(context);
            return WorkloadStatsStream.RunAsync(context, agent, agent.Running(id), null, interval);
        });

        group.MapGet("/{wid}/stats", async (string id, string wid, HttpContext context, WorkloadAgent agent) =>
        {
            var stats = await agent.StatsAsync(agent.Running(id), wid, context.RequestAborted);
            return stats.Count > 0
                ? Reply.Json(new WorkloadStatsResponse { Stats = stats[0] })
                : throw new ApiException(404, "workload_not_found", $"workload {wid} not found");
        });

        group.MapGet("/{wid}/stats/stream", (string id, string wid, HttpContext context, WorkloadAgent agent) =>
        {
            var interval = Interval(context);
            return WorkloadStatsStream.RunAsync(context, agent, agent.Running(id), wid, interval);
        });
    }

    private static int Interval(HttpContext context)
    {
        var query = new QueryReader(context.Request.Query);
        var interval = query.Integer("interval", WorkloadStatsStream.MinIntervalSeconds, WorkloadStatsStream.MaxIntervalSeconds);
        query.ThrowIfInvalid();
        return (int)(interval ?? WorkloadStatsStream.DefaultIntervalSeconds);
    }
}
