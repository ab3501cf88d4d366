using Hearth.Protocol.Runtime;
using Hearth.Server.Api;
using Hearth.Server.Options;
using Hearth.Server.Workspaces;

namespace Hearth.Server.RuntimeApi;

/// <summary>
/// <c>/workspace/:id/runtime-api-access</c> on the control plane (and its older name
/// <c>internal-api-access</c>): turn the runtime API on and off, and hand out tokens for it.
/// </summary>
internal static class RuntimeAccessEndpoints
{
    public static void MapRuntimeAccessEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "runtime-api-access", "internal-api-access" })
        {
            var group = app.MapGroup($"/workspace/{{id}}/{prefix}");
            group.MapGet("", (string id, WorkspaceService service, HearthOptions options) =>
            {
                var workspace = service.Get(id);
                return Reply.Json(new RuntimeAccessResponse { WorkspaceId = workspace.Id, Enabled = workspace.RuntimeApiEnabled, GatewayUrl = GatewayUrl(options) });
            });
            group.MapPost("/enable", async (string id, WorkspaceService service, RuntimeTokens tokens, HearthOptions options, Network.NetworkService network) =>
            {
                var workspace = await service.ChangeAsync(id, w => w with
                {
                    RuntimeApiEnabled = true,
                    RuntimeRawToken = w.RuntimeRawToken ?? RuntimeTokens.NewRawToken(),
                });
                // As on Oblien: a port list that would shut out direct access gets its port.
                workspace = await service.OpenIngressPortAsync(workspace.Id, network.Options.DirectAccessPort);
                return Reply.Json(WithToken(workspace, tokens, options));
            });
            group.MapPost("/disable", async (string id, WorkspaceService service, HearthOptions options) =>
            {
                var workspace = await service.ChangeAsync(id, w => w with { RuntimeApiEnabled = false });
                return Reply.Json(new RuntimeAccessResponse { WorkspaceId = workspace.Id, Enabled = false, GatewayUrl = GatewayUrl(options) });
            });
            group.MapGet("/token", (string id, WorkspaceService service, RuntimeTokens tokens, HearthOptions options) =>
                Reply.Json(WithToken(RequireEnabled(service.Get(id)), tokens, options)));
            // Rotation: a new raw token and a new generation, so every earlier token stops working.
            group.MapPost("/token", async (string id, WorkspaceService service, RuntimeTokens tokens, HearthOptions options) =>
            {
                // Checked inside the change, under the workspace's lock: a concurrent disable wins cleanly.
                var workspace = await service.ChangeAsync(id, w => RequireEnabled(w) with
                {
                    RuntimeRawToken = RuntimeTokens.NewRawToken(),
                    RuntimeTokenGeneration = w.RuntimeTokenGeneration + 1,
                });
                return Reply.Json(WithToken(workspace, tokens, options));
            });
            group.MapGet("/token/raw", (string id, WorkspaceService service) =>
            {
                var workspace = RequireEnabled(service.Get(id));
                return Reply.Json(new RawTokenResponse { Token = workspace.RuntimeRawToken!, Ip = workspace.InternalIp });
            });
        }
    }

    private static WorkspaceRecord RequireEnabled(WorkspaceRecord workspace) =>
        workspace.RuntimeApiEnabled
            ? workspace
            : throw ApiException.Conflict($"the runtime API of {workspace.Id} is disabled; POST .../runtime-api-access/enable first");

    private static RuntimeAccessResponse WithToken(WorkspaceRecord workspace, RuntimeTokens tokens, HearthOptions options)
    {
        var (token, expires) = tokens.Issue(workspace.Id, workspace.RuntimeTokenGeneration);
        return new RuntimeAccessResponse
        {
            WorkspaceId = workspace.Id,
            Enabled = true,
            Token = token,
            ExpiresAt = expires,
            GatewayUrl = GatewayUrl(options),
        };
    }

    /// <summary>
    /// The gateway's address for clients: the listen address, except that a wildcard host
    /// (0.0.0.0, [::]) is not an address anyone can dial, so clients get loopback (they may
    /// override it, e.g. the SDK's RuntimeGatewayAddress, when they are elsewhere).
    /// </summary>
    internal static string GatewayUrl(HearthOptions options)
    {
        var listen = options.RuntimeListen;
        var colon = listen.LastIndexOf(':');
        var host = colon > 0 ? listen[..colon] : listen;
        var port = colon > 0 ? listen[colon..] : "";
        return host is "0.0.0.0" or "[::]" or "*" or "+" ? $"http://127.0.0.1{port}" : $"http://{listen}";
    }
}
