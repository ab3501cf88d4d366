using Hearth.Runtime.Agent;
using Hearth.Runtime.Host;
using Hearth.Runtime.Processes;
using Hearth.Server.Options;
using Hearth.Server.Persistence;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Hosting;

/// <summary>
/// Runs before the API listens: prepares the host, lays out the agent bundle, rebuilds the
/// workspaces' network and firewall from the store, then makes the
/// host match the store - workspaces that should run run again, half-made or half-deleted ones
/// are finished off, and traces of workspaces the store does not know are removed.
/// </summary>
internal sealed partial class StartupReconciler(
    HearthOptions options, WorkspaceRepository repository, WorkspaceService workspaces, IProcessRunner processes,
    Network.NetworkService network, ILogger<StartupReconciler> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await HostPreparation.PrepareAsync(logger, cancellationToken);
        await AgentBundle.PrepareAsync(options.AgentPath, Path.Combine(options.DataDir, "agent", "current"), processes, cancellationToken);
        // The firewall is whole before any workspace starts again.
        await network.StartAsync(cancellationToken);
        // Before anything can prune: a workspace made before layered images names no layers yet.
        await workspaces.PinLegacyWorkspacesAsync();

        var records = repository.All();
        foreach (var record in records)
        {
            try { await workspaces.ReconcileAsync(record); }
            catch (Exception e) { LogReconcileFailed(e, record.Id); }
        }
        var orphans = await workspaces.SweepOrphansAsync();
        LogReady(records.Count, orphans);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "reconciling workspace {Id} failed")]
    private partial void LogReconcileFailed(Exception exception, string id);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "reconciled {Count} workspace(s), removed traces of {Orphans} unknown one(s)")]
    private partial void LogReady(int count, int orphans);
}
