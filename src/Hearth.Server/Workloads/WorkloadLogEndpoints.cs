using Hearth.Protocol.Agent;
using Hearth.Protocol.Workloads;
using Hearth.Server.Api;
using Hearth.Server.RuntimeApi;

namespace Hearth.Server.Workloads;

/// <summary><c>/workspace/:id/workloads/:wid/logs...</c>: a workload's log read, cleared, described and followed.</summary>
internal static class WorkloadLogEndpoints
{
    public static void MapWorkloadLogEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/{wid}/logs", async (string id, string wid, HttpContext context, WorkloadAgent agent, AgentPool agents) =>
        {
            var args = LogQuery.Read(context.Request, new LogArgs { Workload = wid }, LogQuery.DefaultTail, "tail", "tail_lines");
            var (entries, cursor) = await LogReader.ReadAsync(agents, agent.Running(id), args, context.RequestAborted);
            return Reply.Json(new LogsResponse { Logs = LogText.Format(entries), Entries = entries, Cursor = cursor });
        });

        group.MapDelete("/{wid}/logs", async (string id, string wid, HttpContext context, WorkloadAgent agent) =>
        {
            var cursor = await agent.ClearLogAsync(agent.Running(id), new LogArgs { Workload = wid }, context.RequestAborted);
            return Reply.Json(new LogClearResponse { Cursor = cursor });
        });

        group.MapGet("/{wid}/logs/config", async (string id, string wid, HttpContext context, WorkloadAgent agent) =>
        {
            var config = await agent.LogConfigAsync(agent.Running(id), new LogArgs { Workload = wid }, context.RequestAborted);
            return Reply.Json(new LogConfigResponse
            {
                MaxLogSizeMb = config.MaxLogSizeMb,
                LogRetentionHours = config.LogRetentionHours,
                StoredBytes = config.StoredBytes,
                DroppedLines = config.DroppedLines,
                FirstCursor = config.FirstCursor,
                NextCursor = config.NextCursor,
                Path = config.Path,
            });
        });

        // Without since, Last-Event-ID or tail the stream starts at the end, as Oblien's: the
        // SDK reads history after subscribing and de-duplicates by cursor.
        group.MapGet("/{wid}/logs/stream", async (string id, string wid, HttpContext context, WorkloadAgent agent, AgentPool agents) =>
        {
            var args = LogQuery.Read(context.Request, new LogArgs { Workload = wid }, 0, "tail", "tail_lines");
            await LogStream.FollowAsync(context, agents, agent.Running(id), args, $"workload {wid}");
        });
    }
}
