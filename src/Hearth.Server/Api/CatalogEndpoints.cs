using Hearth.Protocol.Images;
using Hearth.Protocol.Workspaces;
using Hearth.Runtime.Images;
using Hearth.Server.Options;
using Hearth.Server.Persistence;
using Hearth.Server.Validation;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Api;

/// <summary><c>/workspace/images</c>, <c>/workspace/quota</c> and <c>/health</c>.</summary>
internal static class CatalogEndpoints
{
    private static readonly ImageCategory[] Categories =
    [
        new() { Id = "os", Label = "Operating systems" },
        new() { Id = "runtime", Label = "Language runtimes" },
        new() { Id = "database", Label = "Databases" },
    ];

    public static void MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Reply.Json(new HealthResponse { Status = "ok", Version = typeof(CatalogEndpoints).Assembly.GetName().Version?.ToString() ?? "0" }));

        app.MapGet("/workspace/images", (HttpContext context, ImageStore images) =>
        {
            string? search = context.Request.Query["search"], category = context.Request.Query["category"];
            var list = images.Recipes
                .Select(r => images.GetState(r.Name))
                .Where(s => string.IsNullOrEmpty(category) || category == "all" || s.Recipe.Category == category)
                .Where(s => string.IsNullOrEmpty(search) || $"{s.Recipe.Name} {s.Recipe.Label} {s.Recipe.Description}".Contains(search, StringComparison.OrdinalIgnoreCase))
                .Select(s => new ImageInfo
                {
                    Id = s.Recipe.Name,
                    Label = s.Recipe.Label,
                    Category = s.Recipe.Category,
                    Image = s.Recipe.Name,
                    Description = s.Recipe.Description,
                    MinimumMemoryMb = s.Recipe.MinimumMemoryMb,
                    Software = s.Manifest?.Software ?? [],
                    Status = s.Status.ToString().ToLowerInvariant(),
                    SizeBytes = s.Manifest?.SizeBytes,
                    BuiltAt = s.Manifest?.BuiltAt,
                    Error = s.Error,
                })
                .ToList();
            return Reply.Json(new ImagesResponse { Images = list, Categories = Categories });
        });

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
