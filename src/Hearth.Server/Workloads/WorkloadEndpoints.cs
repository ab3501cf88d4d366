using Hearth.Protocol.Workloads;
using Hearth.Server.Api;
using Hearth.Server.RuntimeApi.Files;

namespace Hearth.Server.Workloads;

/// <summary>
/// <c>/workspace/:id/workloads</c> (docs/design/workloads.md, "HTTP"): each request is one agent
/// operation; <c>:wid</c> is a workload's id or name, which the agent resolves.
/// </summary>
internal static class WorkloadEndpoints
{
    private const int MaxTimeoutSeconds = 300;

    private static readonly string[] States =
        [WorkloadState.Pending, WorkloadState.Running, WorkloadState.Stopped, WorkloadState.Exited, WorkloadState.Failed];

    public static void MapWorkloadEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/workspace/{id}/workloads");

        group.MapPost("", async (string id, HttpContext context, WorkloadAgent agent) =>
        {
            var spec = WorkloadRequestParser.ParseCreate(await JsonBody.ReadObjectAsync(context.Request, required: true));
            var workspace = agent.Running(id);
            var workload = await agent.CreateAsync(workspace, spec, context.RequestAborted);
            return Reply.Json(new WorkloadResponse { Workload = workload, Message = "workload created" }, 201);
        });

        group.MapGet("", async (string id, HttpContext context, WorkloadAgent agent) =>
        {
            var query = new QueryReader(context.Request.Query);
            var states = query.List("states") ?? query.List("state");
            if (states?.FirstOrDefault(s => !States.Contains(s)) is { } unknown)
                query.Add("states", $"unknown state '{unknown}'; states are {string.Join(", ", States)}");
            var name = query.String("name");
            query.ThrowIfInvalid();
            var workloads = (await agent.ListAsync(agent.Running(id), context.RequestAborted))
                .Where(w => states is not { Count: > 0 } || states.Contains(w.Status))
                .Where(w => name is null || w.Name == name)
                .ToList();
            return Reply.Json(new WorkloadListResponse { Workloads = workloads, Total = workloads.Count });
        });

        group.MapDelete("", async (string id, HttpContext context, WorkloadAgent agent) =>
        {
            var timeout = Timeout(context);
            var deleted = await agent.DeleteAllAsync(agent.Running(id), timeout, context.RequestAborted);
            return Reply.Json(new WorkloadDeleteAllResponse { Deleted = deleted.Count, Workloads = deleted });
        });

        group.MapGet("/{wid}", async (string id, string wid, HttpContext context, WorkloadAgent agent) =>
            Reply.Json(new WorkloadResponse { Workload = await agent.GetAsync(agent.Running(id), wid, context.RequestAborted) }));

        foreach (var verb in new[] { "PUT", "PATCH" })
        {
            group.MapMethods("/{wid}", [verb], async (string id, string wid, HttpContext context, WorkloadAgent agent) =>
            {
                var patch = WorkloadRequestParser.ParsePatch(await JsonBody.ReadObjectAsync(context.Request, required: true));
                var workspace = agent.Running(id);
                var workload = await agent.UpdateAsync(workspace, wid, patch, context.RequestAborted);
                return Reply.Json(new WorkloadResponse { Workload = workload, Message = "workload updated; cmd, env, working_dir and user apply at its next start" });
            });
        }

        group.MapDelete("/{wid}", async (string id, string wid, HttpContext context, WorkloadAgent agent) =>
        {
            var timeout = Timeout(context);
            var workload = await agent.DeleteAsync(agent.Running(id), wid, timeout, context.RequestAborted);
            return Reply.Json(new WorkloadResponse { Workload = workload, Message = "workload deleted" });
        });

        group.MapPost("/{wid}/start", async (string id, string wid, HttpContext context, WorkloadAgent agent) =>
            Reply.Json(new WorkloadResponse { Workload = await agent.StartAsync(agent.Running(id), wid, context.RequestAborted), Message = "workload started" }));

        group.MapPost("/{wid}/stop", async (string id, string wid, HttpContext context, WorkloadAgent agent) =>
        {
            var timeout = Timeout(context);
            var workload = await agent.StopAsync(agent.Running(id), wid, timeout, context.RequestAborted);
            return Reply.Json(new WorkloadResponse { Workload = workload, Message = "workload stopped" });
        });

        group.MapGet("/{wid}/status", async (string id, string wid, HttpContext context, WorkloadAgent agent) =>
        {
            var workload = await agent.GetAsync(agent.Running(id), wid, context.RequestAborted);
            return Reply.Json(new WorkloadStatusResponse
            {
                Status = workload.Status,
                Pid = workload.Pid,
                ExitCode = workload.ExitCode,
                RestartCount = workload.RestartCount,
                Error = workload.Error,
                Workload = workload,
            });
        });

        group.MapWorkloadLogEndpoints();
        group.MapWorkloadStatsEndpoints();
    }

    /// <summary><c>?timeout=</c>: seconds between SIGTERM and SIGKILL (the agent's default when absent).</summary>
    private static double? Timeout(HttpContext context)
    {
        var query = new QueryReader(context.Request.Query);
        var timeout = query.Integer("timeout", 0, MaxTimeoutSeconds);
        query.ThrowIfInvalid();
        return timeout;
    }
}
