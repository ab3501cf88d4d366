using Hearth.Protocol.Workspaces;
using Hearth.Server.Auth;
using Hearth.Server.Images;
using Hearth.Server.Options;
using Hearth.Server.Validation;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Api;

/// <summary>The <c>/workspace</c> resource: CRUD, power and details.</summary>
internal static class WorkspaceEndpoints
{
    public static void MapWorkspaceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/workspace");

        group.MapPost("", async (HttpContext context, WorkspaceService service, HearthOptions options, ImageNames images) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, required: true);
            var input = CreateRequestParser.Parse(body, options, images);
            var (workspace, created) = await service.CreateAsync(input, ApiKeyMiddleware.KeyOf(context).ClientId);
            return Reply.Json(Envelope(service, workspace, created ? "workspace created" : "existing workspace (idempotency_key)"), created ? 201 : 200);
        });

        group.MapGet("", (HttpContext context, WorkspaceService service, Persistence.WorkspaceRepository repository) =>
        {
            var reader = new FieldReader();
            var query = context.Request.Query;
            var page = QueryInt(reader, query["page"], "page", 1, 1_000_000) ?? 1;
            var limit = QueryInt(reader, query["limit"], "limit", 1, 500) ?? 20;
            string? status = query["status"], mode = query["mode"];
            if (mode is not null && mode is not (WorkspaceMode.Permanent or WorkspaceMode.Temporary))
                reader.Add("mode", "must be permanent or temporary");
            if (reader.Errors.Count > 0) throw ApiException.Invalid(reader.Errors);
            var (items, total) = repository.List(string.IsNullOrEmpty(status) ? null : status, mode, page, limit);
            return Reply.Json(new WorkspaceListResponse
            {
                Workspaces = items.Select(w => WorkspaceMapper.ToWire(w, service.OomKills(w))).ToList(),
                Total = total,
                Page = page,
                Limit = limit,
            });
        });

        group.MapGet("/{id}", (string id, WorkspaceService service) => Reply.Json(Envelope(service, service.Get(id))));

        group.MapGet("/{id}/details", (string id, WorkspaceService service) =>
        {
            var workspace = service.Get(id);
            return Reply.Json(new WorkspaceDetailsResponse
            {
                Workspace = WorkspaceMapper.ToWire(workspace, service.OomKills(workspace)),
                Lifecycle = WorkspaceMapper.Lifecycle(workspace),
                Config = workspace.Config,
                Resources = WorkspaceMapper.Resources(workspace),
            });
        });

        group.MapPut("/{id}", async (string id, HttpContext context, WorkspaceService service) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, required: true);
            var reader = new FieldReader();
            var name = reader.String(body, "name", "name");
            var slug = reader.String(body, "slug", "slug", 128);
            if (slug is not null && !CreateRequestParser.SlugPattern().IsMatch(slug))
                reader.Add("slug", "must be 3-128 lowercase letters, digits and hyphens");
            Dictionary<string, string>? metadata = null;
            if (reader.Object(body, "metadata", "metadata") is { } meta)
            {
                metadata = [];
                foreach (var p in meta.EnumerateObject())
                {
                    if (p.Value.ValueKind == System.Text.Json.JsonValueKind.String) metadata[p.Name] = p.Value.GetString()!;
                    else reader.Add($"metadata.{p.Name}", "must be a string");
                }
            }
            if (reader.Errors.Count > 0) throw ApiException.Invalid(reader.Errors);
            return Reply.Json(Envelope(service, await service.UpdateAsync(id, name, slug, metadata), "workspace updated"));
        });

        group.MapDelete("/{id}", async (string id, WorkspaceService service) =>
        {
            await service.DeleteAsync(id);
            return Reply.Json(new SuccessResponse { Message = $"workspace {id} deleted" });
        });

        group.MapPost("/{id}/start", async (string id, WorkspaceService s) => Reply.Json(Envelope(s, await s.StartAsync(id), "workspace running")));
        group.MapPost("/{id}/stop", async (string id, WorkspaceService s) => Reply.Json(Envelope(s, await s.StopAsync(id), "workspace stopped")));
        group.MapPost("/{id}/restart", async (string id, WorkspaceService s) => Reply.Json(Envelope(s, await s.RestartAsync(id), "workspace restarted")));
        group.MapPost("/{id}/pause", async (string id, WorkspaceService s) => Reply.Json(Envelope(s, await s.PauseAsync(id), "workspace paused")));
        group.MapPost("/{id}/resume", async (string id, WorkspaceService s) => Reply.Json(Envelope(s, await s.ResumeAsync(id), "workspace resumed")));

        group.MapGet("/{id}/lifecycle", (string id, WorkspaceService s) =>
            Reply.Json(new LifecycleResponse { Lifecycle = WorkspaceMapper.Lifecycle(s.Get(id)) }));
        group.MapDelete("/{id}/lifecycle", async (string id, WorkspaceService s) =>
            Reply.Json(new LifecycleResponse { Lifecycle = WorkspaceMapper.Lifecycle(await s.ClearLifecycleAsync(id)) }));
    }

    private static WorkspaceResponse Envelope(WorkspaceService service, WorkspaceRecord record, string? message = null) =>
        new() { Workspace = WorkspaceMapper.ToWire(record, service.OomKills(record)), Message = message };

    private static int? QueryInt(FieldReader reader, string? text, string field, int min, int max)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        reader.Add(field, $"must be a whole number between {min} and {max}");
        return null;
    }
}
