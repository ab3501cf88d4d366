using Hearth.Server.Workspaces;

namespace Hearth.Server.Hosting;

/// <summary>
/// Notices workspaces whose init exited on its own (its main command ended, or it was killed)
/// and records them as stopped. It polls /proc for the init pids it knows - no process spawns -
/// and asks crun only about the ones that are gone.
/// </summary>
internal sealed partial class WorkspaceMonitor(WorkspaceService workspaces, ILogger<WorkspaceMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var (id, pid) in workspaces.InitPids)
            {
                if (Directory.Exists($"/proc/{pid}")) continue;
                try
                {
                    await workspaces.HandleExitAsync(id);
                    LogExited(id);
                }
                catch (Exception e)
                {
                    LogFailed(e, id);
                }
            }
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "workspace {Id}: init exited")]
    private partial void LogExited(string id);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Error, Message = "workspace {Id}: handling its exit failed")]
    private partial void LogFailed(Exception exception, string id);
}
