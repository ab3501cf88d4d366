using Hearth.Protocol.Agent;
using Hearth.Server.Api;

namespace Hearth.Server.RuntimeApi;

/// <summary><c>GET /runtime</c>: what the workspace's agent reports about its machine.</summary>
internal static class RuntimeInfoEndpoints
{
    public static void MapRuntimeInfoEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/runtime", async (HttpContext context, AgentPool agents) =>
        {
            var result = await agents.CallAsync(GatewayAuthMiddleware.WorkspaceOf(context).Id, "info", null, context.RequestAborted);
            return Reply.Json(System.Text.Json.JsonSerializer.Deserialize(result, AgentJsonContext.Default.RuntimeInfo)!);
        });
}
