using Hearth.Server.Network;

namespace Hearth.Server.Hosting;

/// <summary>
/// Checks every <see cref="Interval"/> that the workspaces' nftables table still exists and
/// rebuilds it when it does not: the table is the only thing keeping workspaces apart, and other
/// software on the host may flush the whole ruleset. The window is at most one interval.
/// </summary>
internal sealed partial class FirewallWatchdog(NetworkService network, ILogger<FirewallWatchdog> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await network.RestoreFirewallIfGoneAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
            catch (Exception e) { LogFailed(e); }
        }
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Error, Message = "checking the firewall table failed")]
    private partial void LogFailed(Exception exception);
}
