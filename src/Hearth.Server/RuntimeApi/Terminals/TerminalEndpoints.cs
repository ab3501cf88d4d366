using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Runtime;
using Hearth.Server.Api;
using Hearth.Server.Validation;

namespace Hearth.Server.RuntimeApi.Terminals;

/// <summary>The runtime API's <c>/terminals</c> family (oblien-api.md §3.6); the bytes flow over <c>/ws</c>.</summary>
internal static class TerminalEndpoints
{
    private const int DefaultCols = 80;
    private const int DefaultRows = 24;

    public static void MapTerminalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/terminals", async (HttpContext context, TerminalRegistry registry, AgentPool agents) =>
        {
            var request = ReadCreate(await JsonBody.ReadObjectAsync(context.Request));
            var workspaceId = GatewayAuthMiddleware.WorkspaceOf(context).Id;
            // The workspace's own shell (/bin/bash if it has one, else /bin/sh) and home, as the agent sees them.
            var info = (await agents.CallAsync(workspaceId, "info", null, context.RequestAborted))
                .Deserialize(AgentJsonContext.Default.RuntimeInfo)!;
            var command = request.Command ?? [info.Shell];
            var terminal = await registry.For(workspaceId).CreateAsync(command, info.Home, request.Size, request.ScrollbackSize);
            return Reply.Json(terminal.ToWire(), 201);
        });

        app.MapGet("/terminals", (HttpContext context, TerminalRegistry registry) =>
            Reply.Json(new TerminalListResponse
            {
                Terminals = registry.For(GatewayAuthMiddleware.WorkspaceOf(context).Id).List().Select(t => t.ToWire()).ToList(),
            }));

        app.MapDelete("/terminals/{id}", async (string id, HttpContext context, TerminalRegistry registry) =>
        {
            await registry.For(GatewayAuthMiddleware.WorkspaceOf(context).Id).DeleteAsync(id);
            return Reply.Json(new TerminalCloseResponse { TerminalId = id });
        });

        app.MapGet("/terminals/{id}/scrollback", (string id, HttpContext context, TerminalRegistry registry) =>
        {
            var terminal = registry.For(GatewayAuthMiddleware.WorkspaceOf(context).Id).Get(id);
            var bytes = ReadBytes(context.Request.Query["bytes"].ToString());
            var scrollback = terminal.Scrollback.Tail(bytes ?? int.MaxValue);
            return Reply.Json(new TerminalScrollbackResponse
            {
                Scrollback = scrollback,
                Size = scrollback.Length,
                Alive = terminal.ExitCode is null,
                ExitCode = terminal.ExitCode ?? 0,
                ScrollbackSize = terminal.Scrollback.Capacity,
                MaxScrollbackSize = ScrollbackRing.MaxSize,
            });
        });

        app.MapPatch("/terminals/{id}/scrollback", async (string id, HttpContext context, TerminalRegistry registry) =>
        {
            var terminal = registry.For(GatewayAuthMiddleware.WorkspaceOf(context).Id).Get(id);
            var body = await JsonBody.ReadObjectAsync(context.Request, required: true);
            var reader = new FieldReader();
            var size = reader.Integer(body, "scrollback_size", "scrollback_size", 0, ScrollbackRing.MaxSize);
            if (size is null && reader.Errors.Count == 0) reader.Add("scrollback_size", "is required");
            if (reader.Errors.Count > 0) throw ApiException.Invalid(reader.Errors);
            terminal.Scrollback.Resize(size is 0 ? ScrollbackRing.DefaultSize : size!.Value);
            return Reply.Json(new JsonObject
            {
                ["success"] = true,
                ["terminal_id"] = id,
                ["scrollback_size"] = terminal.Scrollback.Capacity,
                ["max_scrollback_size"] = ScrollbackRing.MaxSize,
            });
        });

        app.MapDelete("/terminals/{id}/scrollback", (string id, HttpContext context, TerminalRegistry registry) =>
        {
            registry.For(GatewayAuthMiddleware.WorkspaceOf(context).Id).Get(id).Scrollback.Clear();
            return Reply.Json(new JsonObject { ["success"] = true, ["terminal_id"] = id });
        });
    }

    /// <summary>The body of <c>POST /terminals</c>; every bad field is reported at once.</summary>
    private static CreateRequest ReadCreate(JsonElement body)
    {
        var reader = new FieldReader();
        List<string>? command = null;
        foreach (var name in new[] { "cmd", "command" })
        {
            if (FieldReader.Property(body, name) is not { } value) continue;
            if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
                && value.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(a.GetString()) && !a.GetString()!.Contains('\0')))
                command ??= value.EnumerateArray().Select(a => a.GetString()!).ToList();
            else
                reader.Add(name, "must be a non-empty array of non-empty strings");
        }

        var cols = reader.Integer(body, "cols", "cols", 1, AgentPtySize.Max) ?? DefaultCols;
        var rows = reader.Integer(body, "rows", "rows", 1, AgentPtySize.Max) ?? DefaultRows;
        var scrollback = reader.Integer(body, "scrollback_size", "scrollback_size", 0, ScrollbackRing.MaxSize) ?? 0;
        if (reader.Errors.Count > 0) throw ApiException.Invalid(reader.Errors);
        return new CreateRequest(command, new AgentPtySize { Cols = cols, Rows = rows }, scrollback == 0 ? ScrollbackRing.DefaultSize : scrollback);
    }

    private static int? ReadBytes(string text)
    {
        if (text.Length == 0) return null;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes) && bytes > 0)
            return bytes;
        throw ApiException.Invalid([new() { Field = "bytes", Message = $"must be a whole number above 0, not '{text}'" }]);
    }

    private sealed record CreateRequest(List<string>? Command, AgentPtySize Size, int ScrollbackSize);
}
