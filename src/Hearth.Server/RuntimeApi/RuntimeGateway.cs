using Hearth.Server.Api;
using Hearth.Server.Hosting;
using Hearth.Server.Options;
using Hearth.Server.Persistence;
using Hearth.Server.RuntimeApi.Files;
using Hearth.Server.RuntimeApi.Search;
using Hearth.Server.RuntimeApi.Terminals;
using Hearth.Server.RuntimeApi.Watchers;
using Hearth.Server.Workspaces;

namespace Hearth.Server.RuntimeApi;

/// <summary>
/// The runtime gateway (the role of <c>workspace.oblien.com</c>): its own Kestrel listener on
/// <c>runtime_listen</c> with bearer-token auth, sharing hearthd's services. Kept apart from the
/// control plane so neither API's routes or auth can leak into the other.
/// </summary>
internal static class RuntimeGateway
{
    public static WebApplication Build(HearthOptions options, IServiceProvider shared)
    {
        var direct = DirectAccess.ListenHandle(shared.GetRequiredService<Hearth.Runtime.Network.NetworkOptions>(),
            shared.GetRequiredService<Hearth.Runtime.Network.NetworkNamespace>());
        var builder = ListenerHost.Create(options, "runtime_listen", options.RuntimeListen, kestrel => kestrel.ListenHandle(direct));
        // hearthd stops the gateway after the control plane; open SSE streams must not hold that up.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        foreach (var type in new[] { typeof(RuntimeTokens), typeof(WorkspaceRepository), typeof(WorkspaceService), typeof(ExecTasks), typeof(AgentPool), typeof(WorkspaceEvents),
                     typeof(TerminalRegistry), typeof(RuntimeSocketHub), typeof(WatcherRegistry), typeof(Metrics.ApiCallCounter),
                     typeof(Hearth.Runtime.Network.NetworkOptions) })
            builder.Services.AddSingleton(type, shared.GetRequiredService(type));

        var gateway = builder.Build();
        gateway.UseMiddleware<ErrorEnvelopeMiddleware>();
        gateway.UseMiddleware<GatewayAuthMiddleware>();
        gateway.UseMiddleware<BodyLimitMiddleware>();
        gateway.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        gateway.MapGet("/health", () => Reply.Json(new Hearth.Protocol.Workspaces.HealthResponse { Status = "ok", Version = typeof(RuntimeGateway).Assembly.GetName().Version?.ToString() ?? "0" }));
        gateway.MapExecEndpoints();
        gateway.MapRuntimeInfoEndpoints();
        gateway.MapTerminalEndpoints();
        gateway.MapRuntimeSocketEndpoints();
        gateway.MapFileEndpoints();
        gateway.MapTransferEndpoints();
        gateway.MapSearchEndpoints();
        gateway.MapWatcherEndpoints();
        return gateway;
    }
}
