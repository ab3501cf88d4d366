using Hearth.Protocol.Workspaces;
using Hearth.Server.Options;
using Hearth.Server.Persistence;
using Hearth.Server.Validation;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Api;

/// <summary><c>/workspace/quota</c> and <c>/health</c> (the images are Images/ImageEndpoints).</summary>
internal static class CatalogEndpoints
{
    public static void MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Reply.Json(new HealthResponse { Status = "ok", Version = typeof(CatalogEndpoints).Assembly.GetName().Version?.ToString() ?? "0" }));

        app.MapGet("/workspace/quota", (WorkspaceRepository repository, HostCapacity capacity, HearthOptions options) =>
        {
            var all = repository.All();
            var running = all.Where(w => w.Status is WorkspaceStatus.Running or WorkspaceStatus.Paused).ToList();
            PoolUsage Usage(IReadOnlyCollection<WorkspaceRecord> set) => new()
            {
                Count = set.Count,
                Cpus = set.Sum(w => w.Cpus),
                MemoryMb = set.Sum(w => w.MemoryMb),
                DiskSizeMb = set.Sum(w => w.DiskSizeMb),
            };
            var canCreate = all.Count < options.MaxWorkspaces;
            return Reply.Json(new QuotaResponse
            {
                Plan = "self-hosted",
                PlanLabel = "Self-hosted (limited by this host)",
                MaxWorkspaces = options.MaxWorkspaces,
                CurrentWorkspaces = all.Count,
                Limits = new QuotaLimits
                {
                    Cpus = Limits.MaxCpus,
                    MemoryMb = Math.Min(Limits.MaxMemoryMb, capacity.MemoryMb),
                    DiskSizeMb = Math.Min(Limits.MaxDiskMb, capacity.FreeDiskMb),
                },
                PoolUsage = Usage(all),
                RunningPoolUsage = Usage(running),
                CanCreate = canCreate,
                Reason = canCreate ? null : $"max_workspaces ({options.MaxWorkspaces}) reached",
            });
        });
    }
}
