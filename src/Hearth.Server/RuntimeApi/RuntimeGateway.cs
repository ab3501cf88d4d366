using Hearth.Server.Api;
using Hearth.Server.Options;
using Hearth.Server.Persistence;
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
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(ListenAddress.Parse("runtime_listen", options.RuntimeListen));
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.AddServerHeader = false;
        });
        // The gateway's console lifetime would also stop on SIGTERM; hearthd's main host owns that.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        foreach (var type in new[] { typeof(RuntimeTokens), typeof(WorkspaceRepository), typeof(WorkspaceService), typeof(ExecTasks), typeof(AgentPool) })
            builder.Services.AddSingleton(type, shared.GetRequiredService(type));

        var gateway = builder.Build();
        gateway.UseMiddleware<ErrorEnvelopeMiddleware>();
        gateway.UseMiddleware<GatewayAuthMiddleware>();
        gateway.MapGet("/health", () => Reply.Json(new Hearth.Protocol.Workspaces.HealthResponse { Status = "ok", Version = "1" }));
        gateway.MapExecEndpoints();
        return gateway;
    }
}
