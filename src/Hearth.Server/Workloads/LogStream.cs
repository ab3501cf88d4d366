using Hearth.Protocol.Agent;
using Hearth.Runtime;
using Hearth.Server.Api;
using Hearth.Server.RuntimeApi;

namespace Hearth.Server.Workloads;

/// <summary>
/// A log followed as Server-Sent Events (docs/design/workloads.md, "Log SSE"). The read runs on
/// an agent connection of its own, so its pace is its client's: when the client reads slowly,
/// the response's writes wait, the call's bounded channel fills, the connection stops reading,
/// and the agent's follower stops reading the disk — nothing is dropped, and the workload
/// (whose output goes to the disk, not to readers) never waits. The stream ends when its client
/// leaves, hearthd stops, or the workspace stops (the agent's connection ends).
/// </summary>
internal static class LogStream
{
    public static async Task FollowAsync(HttpContext context, AgentPool agents, string workspace, LogArgs args, string what)
    {
        using var slot = context.RequestServices.GetRequiredService<LogFollowSlots>().Take(workspace);
        using var stop = SseWriter.Lifetime(context);
        var token = stop.Token;
        await using var connection = await agents.DialAsync(workspace, token);
        var call = await connection.StartAsync("logs.read", WorkloadAgent.Serialize(args with { Follow = true, MaxBytes = null }), token);
        // The agent's first answer (its start event, or its error) comes before the response is
        // committed, so an unknown workload is a 404 and not an empty stream; once the opening
        // comment has been read, the client is subscribed.
        await call.Items.WaitToReadAsync(token);

        await using var sse = await SseWriter.StartAsync(context.Response, $"following the log of {what}", token);
        using var format = new LogSseFormat();
        try
        {
            await foreach (var batch in LogReader.BatchesAsync(call, new LogLineParser(), token))
                await sse.SendAsync(format.Format(batch));
        }
        catch (RuntimeException e) when (e.Code == "agent_unreachable")
        {
            // The workspace stopped: so does the stream.
        }
        catch (RuntimeException e)
        {
            await StreamErrors.SendAsync(sse, e.Code, e.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && token.IsCancellationRequested)
        {
            // The client left, or hearthd is stopping.
        }
    }
}
