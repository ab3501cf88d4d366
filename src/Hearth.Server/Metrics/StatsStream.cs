using System.Text.Json;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Server.Api;
using Hearth.Server.Persistence;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Metrics;

/// <summary>
/// <c>GET /workspace/:id/stats/stream?interval=N</c>: one <c>data: {stats}</c> event at once and then
/// every N seconds, with SseWriter's heartbeat between, until the workspace stops or is deleted
/// (or the client leaves).
/// </summary>
internal static class StatsStream
{
    public const int DefaultIntervalSeconds = 5, MinIntervalSeconds = 1, MaxIntervalSeconds = 300;

    /// <summary>How often the stream looks whether its workspace still runs, so a long interval does not keep a dead stream open.</summary>
    private static readonly TimeSpan StatusCheck = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(HttpContext context, string id, WorkspaceService workspaces, WorkspaceRepository repository,
        WorkspaceStatsService stats, TimeProvider time)
    {
        var interval = TimeSpan.FromSeconds(ReadInterval(context));
        var workspace = workspaces.Get(id);
        if (workspace.Status != WorkspaceStatus.Running)
            throw new ApiException(409, "workspace_not_running", $"workspace {workspace.Id} is {workspace.Status}, not running");

        // Ends with its client, with hearthd (a shutdown must not wait for an open stream), or with the workspace.
        using var stop = SseWriter.Lifetime(context);
        var cancellationToken = stop.Token;
        await using var sse = await SseWriter.StartAsync(context.Response, "stats", cancellationToken);
        try
        {
            await StreamAsync(sse, workspace, repository, stats, time, interval, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The client left, or hearthd is stopping.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The response is committed: the failure becomes the stream's last event.
            await Workloads.StreamErrors.SendAsync(sse, "internal_error", e.Message);
        }
    }

    private static async Task StreamAsync(SseWriter sse, Workspaces.WorkspaceRecord workspace, WorkspaceRepository repository,
        WorkspaceStatsService stats, TimeProvider time, TimeSpan interval, CancellationToken cancellationToken)
    {
        while (true)
        {
            var sample = await stats.MeasureAsync(workspace, cancellationToken);
            await sse.WriteAsync(JsonSerializer.Serialize(sample, HearthJsonContext.Default.WorkspaceStats));
            var due = time.GetTimestamp();
            while (time.GetElapsedTime(due) < interval)
            {
                var left = interval - time.GetElapsedTime(due);
                await Task.Delay(left < StatusCheck ? left : StatusCheck, time, cancellationToken);
                // A paused workspace keeps its stream (it is still there, using memory); stopping or deleting ends it.
                if (repository.Find(workspace.Id) is not { Status: WorkspaceStatus.Running or WorkspaceStatus.Paused } current) return;
                workspace = current;
            }
        }
    }

    /// <summary>The interval in whole seconds; 400 naming <c>interval</c> when it is not one in range.</summary>
    private static int ReadInterval(HttpContext context)
    {
        var query = new RuntimeApi.Files.QueryReader(context.Request.Query);
        var seconds = query.Integer("interval", MinIntervalSeconds, MaxIntervalSeconds);
        query.ThrowIfInvalid();
        return (int)(seconds ?? DefaultIntervalSeconds);
    }
}
