using Hearth.Protocol.Agent;
using Hearth.Protocol.Workloads;
using Hearth.Protocol.Workspaces;
using Hearth.Server.Api;
using Hearth.Server.RuntimeApi;
using Hearth.Server.RuntimeApi.Files;

namespace Hearth.Server.Workloads;

/// <summary>
/// <c>/workspace/:id/logs...</c>: the workspace's own logs (<c>boot</c>, the agent's messages;
/// <c>cmd</c>, its main command's output) and, as files, its workloads' logs. The agent keeps
/// them all on the workspace's disk.
/// </summary>
internal static class WorkspaceLogEndpoints
{
    public static void MapWorkspaceLogEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/workspace/{id}/logs");

        group.MapGet("", async (string id, HttpContext context, WorkloadAgent agent, AgentPool agents) =>
        {
            var source = Source(new QueryReader(context.Request.Query).String("source") ?? LogSources.Cmd);
            var args = LogQuery.Read(context.Request, new LogArgs { Source = source }, LogQuery.DefaultTail, "tail_lines", "tail");
            var (entries, cursor) = await LogReader.ReadAsync(agents, agent.Running(id), args, context.RequestAborted);
            return Reply.Json(new LogsResponse { Source = source, Logs = LogText.Format(entries), Entries = entries, Cursor = cursor });
        });

        group.MapDelete("", async (string id, HttpContext context, WorkloadAgent agent) =>
        {
            var workspace = agent.Running(id);
            var workloads = await agent.ListAsync(workspace, context.RequestAborted);
            var logs = LogSources.All.Select(s => new LogArgs { Source = s }).Concat(workloads.Select(w => new LogArgs { Workload = w.Id }));
            foreach (var log in logs)
                await agent.ClearLogAsync(workspace, log, context.RequestAborted);
            return Reply.Json(new SuccessResponse { Message = $"cleared the boot and cmd logs and {workloads.Count} workload log(s)" });
        });

        group.MapGet("/list", async (string id, HttpContext context, WorkloadAgent agent) =>
        {
            var workspace = agent.Running(id);
            var workloads = await agent.ListAsync(workspace, context.RequestAborted);
            var files = new List<LogFile>();
            foreach (var source in LogSources.All)
                files.Add(await FileAsync(agent, workspace, LogNames.OfSource(source), new LogArgs { Source = source }, context.RequestAborted));
            foreach (var workload in workloads)
                files.Add(await FileAsync(agent, workspace, LogNames.OfWorkload(workload.Name), new LogArgs { Workload = workload.Id }, context.RequestAborted));
            return Reply.Json(new LogFilesResponse { Files = files });
        });

        group.MapGet("/file/{name}", async (string id, string name, HttpContext context, WorkloadAgent agent, AgentPool agents) =>
        {
            var log = LogNames.Parse(name) ?? throw new ApiException(404, "not_found",
                $"no log file '{name}'; the files are boot.log, cmd.log and workload-<name>.log (GET .../logs/list)");
            // The whole log (up to the read limit) unless tail_lines asks for its end.
            var args = LogQuery.Read(context.Request, log, defaultTail: null, "tail_lines", "tail");
            var (entries, _) = await LogReader.ReadAsync(agents, agent.Running(id), args, context.RequestAborted);
            return Reply.Json(new LogFileResponse { Name = name, Content = LogText.Format(entries) });
        });

        group.MapGet("/stream/{source}", async (string id, string source, HttpContext context, WorkloadAgent agent, AgentPool agents) =>
        {
            var log = new LogArgs { Source = Source(source) };
            var args = LogQuery.Read(context.Request, log, 0, "tail_lines", "tail");
            await LogStream.FollowAsync(context, agents, agent.Running(id), args, $"the workspace ({source})");
        });
    }

    private static string Source(string source) =>
        LogSources.All.Contains(source)
            ? source
            : throw ApiException.Invalid([new() { Field = "source", Message = $"must be one of {string.Join(", ", LogSources.All)}, not '{source}'" }]);

    private static async Task<LogFile> FileAsync(WorkloadAgent agent, string workspace, string name, LogArgs log, CancellationToken cancellationToken)
    {
        var config = await agent.LogConfigAsync(workspace, log, cancellationToken);
        return new LogFile { Name = name, Size = config.StoredBytes, Modified = config.ModifiedAt };
    }
}
