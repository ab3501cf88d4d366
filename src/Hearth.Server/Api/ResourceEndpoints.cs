using Hearth.Protocol.Workspaces;
using Hearth.Server.Validation;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Api;

/// <summary><c>/workspace/:id/resources</c>: CPU and memory live through cgroups, disk growth at next start.</summary>
internal static class ResourceEndpoints
{
    public static void MapResourceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/workspace/{id}/resources", (string id, WorkspaceService service) =>
            Reply.Json(new ResourcesResponse { Resources = WorkspaceMapper.Resources(service.Get(id)) }));

        foreach (var verb in new[] { "PUT", "PATCH" })
        {
            app.MapMethods("/workspace/{id}/resources", [verb], async (string id, HttpContext context, WorkspaceService service) =>
            {
                var body = await JsonBody.ReadObjectAsync(context.Request, required: true);
                var reader = new FieldReader();
                var cpus = reader.Integer(body, "cpus", "cpus", Limits.MinCpus, Limits.MaxCpus);
                var memory = reader.Integer(body, "memory_mb", "memory_mb", Limits.MinMemoryMb, Limits.MaxMemoryMb);
                var disk = reader.Integer(body, "disk_size_mb", "disk_size_mb", Limits.MinDiskMb, Limits.MaxDiskMb)
                    ?? reader.Integer(body, "writable_size_mb", "writable_size_mb", Limits.MinDiskMb, Limits.MaxDiskMb);
                reader.Boolean(body, "apply", "apply"); // accepted: CPU and memory always apply live
                if (reader.Errors.Count > 0) throw ApiException.Invalid(reader.Errors);
                if (cpus is null && memory is null && disk is null)
                    throw ApiException.Invalid([new() { Field = "cpus", Message = "give at least one of cpus, memory_mb, disk_size_mb" }]);

                var (workspace, live) = await service.UpdateResourcesAsync(id, cpus, memory, disk);
                var pending = workspace.PendingDiskSizeMb is { } p ? $"; disk grows to {p} MB at the next start" : "";
                return Reply.Json(new ResourcesResponse
                {
                    Resources = WorkspaceMapper.Resources(workspace),
                    AppliedLive = live,
                    Message = $"resources updated{pending}",
                });
            });
        }
    }
}
