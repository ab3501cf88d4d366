using Hearth.Server.Api;

namespace Hearth.Server.RuntimeApi.Terminals;

/// <summary><c>GET /ws</c>: the workspace's multiplexed WebSocket (<see cref="RuntimeSocket"/>).</summary>
internal static class RuntimeSocketEndpoints
{
    public static void MapRuntimeSocketEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/ws", async (HttpContext context, RuntimeSocketHub hub, TerminalRegistry registry, WorkspaceEvents events,
            ILogger<RuntimeSocket> logger) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
                throw new ApiException(400, "bad_request", "/ws is a WebSocket: send GET with Connection: Upgrade and Upgrade: websocket");
            var workspaceId = GatewayAuthMiddleware.WorkspaceOf(context).Id;
            using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
            var socket = new RuntimeSocket(webSocket, registry.For(workspaceId), events, logger);
            hub.Attach(workspaceId, socket);
            try
            {
                await socket.RunAsync();
            }
            finally
            {
                hub.Detach(workspaceId, socket);
            }
        });
}
