using System.Text.Json;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Workloads;
using Hearth.Server.Api;
using Hearth.Server.RuntimeApi;
using Hearth.Server.Workspaces;
using WorkspaceStatus = Hearth.Protocol.Workspaces.WorkspaceStatus;

namespace Hearth.Server.Workloads;

/// <summary>
/// The agent's <c>workload.*</c> and short <c>logs.*</c> operations (docs/design/workloads.md,
/// "Agent operations") over the workspace's shared connection. hearthd keeps no workload state:
/// each method is one call, and what it returns is what the agent has.
/// </summary>
internal sealed class WorkloadAgent(AgentPool agents, WorkspaceService workspaces)
{
    /// <summary>The id of the workspace <paramref name="idOrSlug"/>; 409 <c>workspace_not_running</c> unless it runs (a paused agent would not answer).</summary>
    public string Running(string idOrSlug)
    {
        var workspace = workspaces.Get(idOrSlug);
        if (workspace.Status != WorkspaceStatus.Running)
            throw new ApiException(409, "workspace_not_running", $"workspace {workspace.Id} is {workspace.Status}; its workloads and logs are reachable while it runs");
        return workspace.Id;
    }

    public async Task<WorkloadInfo> CreateAsync(string workspace, WorkloadSpec spec, CancellationToken cancellationToken) =>
        Info(await CallAsync(workspace, "workload.create", new WorkloadArgs { Spec = spec }, cancellationToken));

    public async Task<IReadOnlyList<WorkloadInfo>> ListAsync(string workspace, CancellationToken cancellationToken) =>
        List(await CallAsync(workspace, "workload.list", new WorkloadArgs(), cancellationToken));

    public async Task<WorkloadInfo> GetAsync(string workspace, string reference, CancellationToken cancellationToken) =>
        Info(await CallAsync(workspace, "workload.get", new WorkloadArgs { Ref = reference }, cancellationToken));

    public async Task<WorkloadInfo> UpdateAsync(string workspace, string reference, WorkloadPatch patch, CancellationToken cancellationToken) =>
        Info(await CallAsync(workspace, "workload.update", new WorkloadArgs { Ref = reference, Patch = patch }, cancellationToken));

    public async Task<WorkloadInfo> DeleteAsync(string workspace, string reference, double? timeoutSeconds, CancellationToken cancellationToken) =>
        Info(await CallAsync(workspace, "workload.delete", new WorkloadArgs { Ref = reference, TimeoutSeconds = timeoutSeconds }, cancellationToken));

    public async Task<IReadOnlyList<WorkloadInfo>> DeleteAllAsync(string workspace, double? timeoutSeconds, CancellationToken cancellationToken) =>
        List(await CallAsync(workspace, "workload.delete_all", new WorkloadArgs { TimeoutSeconds = timeoutSeconds }, cancellationToken));

    public async Task<WorkloadInfo> StartAsync(string workspace, string reference, CancellationToken cancellationToken) =>
        Info(await CallAsync(workspace, "workload.start", new WorkloadArgs { Ref = reference }, cancellationToken));

    public async Task<WorkloadInfo> StopAsync(string workspace, string reference, double? timeoutSeconds, CancellationToken cancellationToken) =>
        Info(await CallAsync(workspace, "workload.stop", new WorkloadArgs { Ref = reference, TimeoutSeconds = timeoutSeconds }, cancellationToken));

    /// <summary>Figures of one workload, or of every workload when <paramref name="reference"/> is null.</summary>
    public async Task<IReadOnlyList<WorkloadStats>> StatsAsync(string workspace, string? reference, CancellationToken cancellationToken)
    {
        var result = await CallAsync(workspace, "workload.stats", new WorkloadArgs { Ref = reference }, cancellationToken);
        return result.Deserialize(AgentWorkloadJsonContext.Default.WorkloadStatsResult)?.Stats ?? [];
    }

    /// <summary>Clears one log; the cursor its next line will have.</summary>
    public async Task<long> ClearLogAsync(string workspace, LogArgs log, CancellationToken cancellationToken)
    {
        var result = await agents.CallAsync(workspace, "logs.clear", Serialize(log), cancellationToken);
        return result.Deserialize(AgentWorkloadJsonContext.Default.LogReadResult)?.Cursor ?? 0;
    }

    public async Task<LogConfig> LogConfigAsync(string workspace, LogArgs log, CancellationToken cancellationToken)
    {
        var result = await agents.CallAsync(workspace, "logs.config", Serialize(log), cancellationToken);
        return result.Deserialize(AgentWorkloadJsonContext.Default.LogConfig) ?? throw EmptyResult("logs.config");
    }

    public static JsonElement Serialize(WorkloadArgs args) => JsonSerializer.SerializeToElement(args, AgentWorkloadJsonContext.Default.WorkloadArgs);

    public static JsonElement Serialize(LogArgs args) => JsonSerializer.SerializeToElement(args, AgentWorkloadJsonContext.Default.LogArgs);

    public static WorkloadInfo Info(JsonElement result) =>
        result.Deserialize(AgentWorkloadJsonContext.Default.WorkloadInfo) ?? throw EmptyResult("workload");

    private static IReadOnlyList<WorkloadInfo> List(JsonElement result) =>
        result.Deserialize(AgentWorkloadJsonContext.Default.WorkloadListResult)?.Workloads ?? [];

    private Task<JsonElement> CallAsync(string workspace, string op, WorkloadArgs args, CancellationToken cancellationToken) =>
        agents.CallAsync(workspace, op, Serialize(args), cancellationToken);

    private static Hearth.Runtime.RuntimeException EmptyResult(string what) =>
        new("agent_protocol", $"the agent answered {what} without a result");
}
