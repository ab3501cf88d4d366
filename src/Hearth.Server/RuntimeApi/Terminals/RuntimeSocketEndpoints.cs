using Hearth.Server.Api;

namespace Hearth.Server.RuntimeApi.Terminals;

/// <summary><c>GET /ws</c>: the workspace's multiplexed WebSocket (<see cref="RuntimeSocket"/>).</summary>
internal static class RuntimeSocketEndpoints
{
    public static void MapRuntimeSocketEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/ws", async (HttpContext context, RuntimeSocketHub hub, TerminalRegistry registry, WorkspaceEvents events,
            Hearth.Server.Workspaces.WorkspaceService workspaces, ILogger<RuntimeSocket> logger) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
                throw new ApiException(400, "bad_request", "/ws is a WebSocket: send GET with Connection: Upgrade and Upgrade: websocket");
            var workspaceId = GatewayAuthMiddleware.WorkspaceOf(context).Id;
            // The socket belongs to this run of the workspace (this init): a stop or restart ends it.
            var run = workspaces.InitPids.GetValueOrDefault(workspaceId);
            bool Runs() => run != 0 && workspaces.InitPids.TryGetValue(workspaceId, out var pid) && pid == run;
            using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
            var socket = new RuntimeSocket(webSocket, registry.For(workspaceId), events, Runs, logger);
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
