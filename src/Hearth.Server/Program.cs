using Hearth.Runtime.Containers;
using Hearth.Runtime.Images;
using Hearth.Runtime.Images.Catalog;
using Hearth.Runtime.Images.Oci;
using Hearth.Runtime.Network;
using Hearth.Runtime.Network.Firewall;
using Hearth.Runtime.Processes;
using Hearth.Server.Api;
using Hearth.Server.Auth;
using Hearth.Server.Hosting;
using Hearth.Server.Images;
using Hearth.Server.Metrics;
using Hearth.Server.Network;
using Hearth.Server.Options;
using Hearth.Server.Persistence;
using Hearth.Server.RuntimeApi;
using Hearth.Server.RuntimeApi.Watchers;
using Hearth.Server.Workloads;
using Hearth.Server.Workspaces;

HearthOptions options;
try
{
    options = HearthConfiguration.Load(args).Options;
}
catch (Exception e) when (e is OptionsException or FormatException or InvalidDataException)
{
    Console.Error.WriteLine($"hearthd: {e.Message}");
    return 2;
}

DataDirLayout.Prepare(options);

var builder = ListenerHost.Create(options, "api_listen", options.ApiListen);

var services = builder.Services;
services.AddSingleton(options);
var databasePath = Path.Combine(options.DataDir, "hearth.db");
services.AddSingleton(new Database(databasePath));
DataDirLayout.RestrictDatabase(databasePath);
services.AddSingleton<WorkspaceRepository>();
services.AddSingleton<ApiKeyRepository>();
services.AddSingleton<ApiKeyAuthenticator>();
services.AddSingleton<IProcessRunner, ProcessRunner>();
var networkOptions = new NetworkOptions
{
    Pool = options.NetworkPool,
    NamespacePath = NetworkNamespace.Resolve(options.NetworkNamespace),
    Uplink = options.NetworkUplink,
    DnsUpstreams = options.DnsUpstreams.Count > 0 ? options.DnsUpstreams : ResolvConf.Nameservers(),
};
services.AddSingleton(networkOptions);
services.AddSingleton(_ => new NetworkNamespace(networkOptions.NamespacePath));
services.AddSingleton<HostNetwork>();
services.AddSingleton<WorkspaceLinks>();
services.AddSingleton<NftFirewall>();
services.AddSingleton<NetworkService>();
services.AddSingleton(new DriverOptions
{
    DataDir = options.DataDir,
    DiskPoolDir = options.DiskPoolDir,
    CrunRoot = Path.Combine(options.DataDir, "run", "crun"),
    AgentDir = Path.Combine(options.DataDir, "agent", "current"),
    CrunPath = options.CrunPath,
});
services.AddSingleton<Hearth.Runtime.IWorkspaceDriver, CrunDriver>();
services.AddSingleton<WorkspaceUsage>();
services.AddSingleton<Hearth.Runtime.Host.HostFacts>();
var registryOptions = new RegistryOptions { Credentials = options.RegistryCredentials, Insecure = options.InsecureRegistries };
// The registry client's handler decides where its connections may go (RegistryClient.Connect.cs).
services.AddHttpClient("registry").ConfigurePrimaryHttpMessageHandler(() => RegistryClient.CreateHandler(registryOptions));
services.AddSingleton(sp =>
{
    var processes = sp.GetRequiredService<IProcessRunner>();
    var registry = new RegistryClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient("registry"), registryOptions);
    var store = new ImageStore(options.ImagesDir, ImageCatalog.Images(), options.ImageAliases,
        ImageCatalog.ProbeAsync, registry.PullAsync,
        sp.GetRequiredService<ILogger<ImageStore>>(), options.AptMirror);
    store.SweepLeftovers();
    return store;
});
services.AddSingleton<ImageNames>();
services.AddSingleton(new HostCapacity(options.DiskPoolDir));
services.AddSingleton<WorkspaceService>();
services.AddSingleton(TimeProvider.System);
services.AddSingleton(sp => new RuntimeTokens(options.DataDir, sp.GetRequiredService<TimeProvider>()));
services.AddSingleton<AgentPool>();
services.AddSingleton<ExecTasks>();
services.AddSingleton<WorkloadAgent>();
services.AddSingleton<Hearth.Server.Workloads.LogFollowSlots>();
services.AddSingleton<WorkspaceEvents>();
services.AddSingleton<Hearth.Server.RuntimeApi.Terminals.TerminalRegistry>();
services.AddSingleton<Hearth.Server.RuntimeApi.Terminals.RuntimeSocketHub>();
services.AddSingleton<WatcherRegistry>();
services.AddSingleton<ApiCallCounter>();
services.AddSingleton<CpuSamples>();
services.AddSingleton<WorkspaceStatsService>();
services.AddHostedService<StartupReconciler>();
services.AddHostedService<WorkspaceMonitor>();
services.AddHostedService<ImagePrebuilder>();
services.AddHostedService<FirewallWatchdog>();

var app = builder.Build();
app.UseMiddleware<ErrorEnvelopeMiddleware>();
// Authenticated first: only a caller with a key gets its oversized body drained.
app.UseMiddleware<ApiKeyMiddleware>();
app.UseMiddleware<BodyLimitMiddleware>();
app.MapCatalogEndpoints();
app.MapImageEndpoints();
app.MapWorkspaceEndpoints();
app.MapResourceEndpoints();
app.MapNetworkEndpoints();
app.MapRuntimeAccessEndpoints();
app.MapWorkloadEndpoints();
app.MapWorkspaceLogEndpoints();
app.MapMetricsEndpoints();

var apiUrl = $"http://{options.ApiListen}";
if (AdminBootstrap.EnsureAdminKey(app.Services.GetRequiredService<ApiKeyRepository>(), options.DataDir, apiUrl) is var (clientId, clientSecret))
    FirstStartBanner.Print(options.DataDir, apiUrl, clientId, clientSecret);

try
{
    // The control plane starts first: its reconciler knows every running workspace before the
    // runtime gateway takes a request for one.
    await app.StartAsync();
    await using var gateway = RuntimeGateway.Build(options, app.Services);
    await gateway.StartAsync();
    await app.WaitForShutdownAsync();
    await gateway.StopAsync();
}
catch (Exception e)
{
    // Start-up failures (host not ready, agent missing, port taken) end here, already logged.
    Console.Error.WriteLine($"hearthd: cannot start: {e.Message}");
    return 1;
}
return 0;
