using System.Text;
using System.Text.Json;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Runtime;
using Hearth.Server.Api;
using Hearth.Server.Validation;

namespace Hearth.Server.RuntimeApi.Watchers;

/// <summary>
/// <c>/watchers</c>: create (waits until the tree is watched), list, get, delete; and, as a
/// Hearth extension, <c>GET /watchers/:id/events</c>, the watcher's events as SSE for clients
/// without the <c>/ws</c> socket (curl).
/// </summary>
internal static class WatcherEndpoints
{
    private const int MaxPathLength = 4096;
    private const int MaxExcludes = 100;
    private const int MaxExcludeLength = 255;

    public static void MapWatcherEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/watchers", async (HttpContext context, WatcherRegistry watchers) =>
        {
            var (path, excludes) = await ReadAsync(context);
            var merged = WatchDefaults.Excludes.Concat(excludes).Distinct(StringComparer.Ordinal).ToList();
            var watcher = await watchers.CreateAsync(GatewayAuthMiddleware.WorkspaceOf(context).Id, path, merged, context.RequestAborted);
            return Reply.Json(new WatcherResponse { Watcher = watcher.ToWire() }, 201);
        });

        app.MapGet("/watchers", (HttpContext context, WatcherRegistry watchers) =>
            Reply.Json(new WatcherListResponse { Watchers = [.. watchers.List(GatewayAuthMiddleware.WorkspaceOf(context).Id).Select(w => w.ToWire())] }));

        app.MapGet("/watchers/{id}", (string id, HttpContext context, WatcherRegistry watchers) =>
            Reply.Json(new WatcherResponse { Watcher = watchers.Get(GatewayAuthMiddleware.WorkspaceOf(context).Id, id).ToWire() }));

        app.MapDelete("/watchers/{id}", async (string id, HttpContext context, WatcherRegistry watchers) =>
        {
            await watchers.DeleteAsync(GatewayAuthMiddleware.WorkspaceOf(context).Id, id);
            return Reply.Json(new WatcherDeleteResponse { WatcherId = id });
        });

        app.MapGet("/watchers/{id}/events", async (string id, HttpContext context, WatcherRegistry watchers) =>
        {
            var watcher = watchers.Get(GatewayAuthMiddleware.WorkspaceOf(context).Id, id);
            using var subscription = watchers.Subscribe(watcher);
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            // A comment first: once a client has read it, no later event can be missed.
            await response.WriteAsync($": watching {watcher.Root}\n\n", Encoding.UTF8, context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, watcher.Ended);
            try
            {
                await foreach (var frame in subscription.Reader.ReadAllAsync(stop.Token))
                {
                    await response.WriteAsync(frame, Encoding.UTF8, stop.Token);
                    await response.Body.FlushAsync(stop.Token);
                }
            }
            catch (OperationCanceledException) when (watcher.Ended.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                // The watcher ended (deleted, root removed, workspace stopped): so does the stream.
                await response.WriteAsync($"event: end\ndata: {JsonSerializer.Serialize(watcher.EndReason ?? "ended")}\n\n", Encoding.UTF8, context.RequestAborted);
            }
        });
    }

    /// <summary>The body: <c>path</c> (or <c>root</c>) required; <c>excludes</c> (or <c>exclude</c>) an array of strings, or one comma-separated string.</summary>
    private static async Task<(string Path, List<string> Excludes)> ReadAsync(HttpContext context)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, required: true);
        var reader = new FieldReader();
        var path = reader.String(body, "path", "path", MaxPathLength) ?? reader.String(body, "root", "root", MaxPathLength);
        if (path is null && reader.Errors.Count == 0) reader.Add("path", "is required (or root)");
        else if (path is { Length: 0 }) reader.Add("path", "must not be empty");
        var excludes = new List<string>();
        foreach (var name in new[] { "excludes", "exclude" })
        {
            switch (FieldReader.Property(body, name))
            {
                case null:
                    break;
                case { ValueKind: JsonValueKind.Array } array when array.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                    excludes.AddRange(array.EnumerateArray().Select(e => e.GetString()!.Trim()).Where(e => e.Length > 0));
                    break;
                case { ValueKind: JsonValueKind.String } text:
                    excludes.AddRange(text.GetString()!.Split(',').Select(e => e.Trim()).Where(e => e.Length > 0));
                    break;
                default:
                    reader.Add(name, "must be an array of strings");
                    break;
            }
        }
        if (excludes.Count > MaxExcludes) reader.Add("excludes", $"at most {MaxExcludes} patterns");
        else if (excludes.FirstOrDefault(e => e.Length > MaxExcludeLength) is not null) reader.Add("excludes", $"a pattern is longer than {MaxExcludeLength} characters");
        if (reader.Errors.Count > 0 || path is null) throw ApiException.Invalid(reader.Errors);
        return (path, excludes);
    }
}
