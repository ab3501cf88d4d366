using Hearth.Protocol.Workspaces;
using Hearth.Runtime.Host;
using Hearth.Server.Api;
using Hearth.Server.Persistence;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Metrics;

/// <summary>The SDK's <c>metrics</c> resource: <c>/workspace/:id/stats</c>, <c>stats/stream</c>, <c>info</c>, <c>config</c>.</summary>
internal static class MetricsEndpoints
{
    public static void MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/workspace/{id}");

        group.MapGet("/stats", async (string id, HttpContext context, WorkspaceService workspaces, WorkspaceStatsService stats) =>
            Reply.Json(new WorkspaceStatsResponse { Stats = await stats.MeasureAsync(workspaces.Get(id), context.RequestAborted) }));

        group.MapGet("/stats/stream", (string id, HttpContext context, WorkspaceService workspaces, WorkspaceRepository repository,
            WorkspaceStatsService stats, TimeProvider time) => StatsStream.RunAsync(context, id, workspaces, repository, stats, time));

        group.MapGet("/info", async (string id, WorkspaceService workspaces, HostFacts host, TimeProvider time) =>
        {
            var workspace = workspaces.Get(id);
            var running = workspace.Status is WorkspaceStatus.Running or WorkspaceStatus.Paused;
            return Reply.Json(new WorkspaceMachineInfoResponse
            {
                Info = new WorkspaceMachineInfo
                {
                    Id = workspace.Id,
                    Status = workspace.Status,
                    Runtime = "container",
                    RuntimeVersion = await host.CrunVersionAsync(),
                    Image = workspace.Image,
                    Kernel = HostFacts.KernelRelease,
                    Hostname = WorkspaceService.HostnameOf(workspace),
                    Cpus = workspace.Cpus,
                    MemoryMb = workspace.MemoryMb,
                    DiskSizeMb = workspace.DiskSizeMb,
                    InternalIp = workspace.InternalIp,
                    InitPid = running && workspaces.InitPids.TryGetValue(workspace.Id, out var pid) ? pid : null,
                    StartedAt = workspace.StartedAt,
                    Uptime = running && workspace.StartedAt is { } started ? Math.Round(Math.Max(0, (time.GetUtcNow() - started).TotalSeconds), 1) : 0,
                },
            });
        });

        group.MapGet("/config", (string id, WorkspaceService workspaces) =>
            Reply.Json(new WorkspaceConfigResponse { Config = workspaces.Get(id).Config }));
    }
}
