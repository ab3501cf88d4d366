using Hearth.Protocol.Errors;
using Hearth.Protocol.Workspaces;
using Hearth.Server.Api;
using Hearth.Server.Persistence;
using Hearth.Server.Workspaces;

namespace Hearth.Server.RuntimeApi;

/// <summary>
/// The runtime gateway's door: <c>Authorization: Bearer</c> (or, on <c>/ws</c> only,
/// <c>?token=</c>) with a gateway token (signed, one workspace, one hour, current generation) or
/// the workspace's raw token. The token names the
/// workspace; the URL never does (as on workspace.oblien.com).
/// </summary>
internal sealed class GatewayAuthMiddleware(RequestDelegate next, RuntimeTokens tokens, WorkspaceRepository repository,
    Hearth.Runtime.Network.NetworkOptions network, Metrics.ApiCallCounter apiCalls)
{
    private const string WorkspaceItem = "hearth.runtime_workspace";

    /// <summary>Optional request header naming the workspace the caller means.</summary>
    public const string WorkspaceHeader = "X-Workspace-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Equals("/health", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        string token;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = header["Bearer ".Length..].Trim();
        // A browser cannot set headers on a WebSocket, so the SDK puts the token in /ws's URL.
        else if (context.Request.Path.Equals("/ws", StringComparison.Ordinal) && context.Request.Query["token"].ToString() is { Length: > 0 } query)
            token = query;
        else
        {
            await ErrorEnvelopeMiddleware.WriteAsync(context, 401, ErrorCodes.Unauthorized, "missing bearer token: Authorization: Bearer <runtime token> (or /ws?token=)");
            return;
        }
        WorkspaceRecord? workspace;
        var direct = DirectAccess.IsDirect(context, network);
        if (direct)
        {
            // Another workspace dialled <ip>:9990: only the raw token of the workspace at that address.
            workspace = token.Length == 64 ? repository.FindByRawToken(token) : null;
            if (workspace is null)
            {
                await ErrorEnvelopeMiddleware.WriteAsync(context, 401, ErrorCodes.Unauthorized, "direct access on port 9990 takes the workspace's raw token (GET .../runtime-api-access/token/raw)");
                return;
            }
            var dialled = DirectAccess.DialledAddress(context)?.ToString();
            if (dialled is null || dialled != workspace.InternalIp)
            {
                await ErrorEnvelopeMiddleware.WriteAsync(context, 403, ErrorCodes.Forbidden, $"the token is for workspace {workspace.Id} ({workspace.InternalIp}), not the one at {dialled ?? "this address"}");
                return;
            }
        }
        else if (tokens.Validate(token) is var (id, generation))
        {
            workspace = repository.Find(id);
            if (workspace is not null && workspace.RuntimeTokenGeneration != generation) workspace = null;
        }
        else
        {
            workspace = token.Length == 64 ? repository.FindByRawToken(token) : null;
        }
        if (workspace is null)
        {
            await ErrorEnvelopeMiddleware.WriteAsync(context, 401, ErrorCodes.Unauthorized, "invalid or expired runtime token");
            return;
        }
        // A client that names the workspace it means (Hearth's SDK does) gets a 403 instead of
        // acting on another workspace when it holds the wrong token.
        var named = context.Request.Headers[WorkspaceHeader].ToString();
        if (named.Length > 0 && !string.Equals(named, workspace.Id, StringComparison.Ordinal))
        {
            await ErrorEnvelopeMiddleware.WriteAsync(context, 403, ErrorCodes.Forbidden, $"the token is for workspace {workspace.Id}, not {named}");
            return;
        }
        if (!workspace.RuntimeApiEnabled)
        {
            await ErrorEnvelopeMiddleware.WriteAsync(context, 403, ErrorCodes.Forbidden, $"the runtime API of {workspace.Id} is disabled");
            return;
        }
        if (workspace.Status != WorkspaceStatus.Running)
        {
            await ErrorEnvelopeMiddleware.WriteAsync(context, 409, "workspace_not_running", $"workspace {workspace.Id} is {workspace.Status}, not running");
            return;
        }
        context.Items[WorkspaceItem] = workspace;
        apiCalls.Count(workspace.Id);
        await next(context);
    }

    /// <summary>The workspace the request's token is for.</summary>
    public static WorkspaceRecord WorkspaceOf(HttpContext context) => (WorkspaceRecord)context.Items[WorkspaceItem]!;
}
