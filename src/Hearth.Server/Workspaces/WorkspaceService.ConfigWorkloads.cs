using Hearth.Protocol.Agent;
using Hearth.Protocol.Errors;
using Hearth.Protocol.Workloads;
using Hearth.Runtime;
using Hearth.Server.Api;
using Hearth.Server.RuntimeApi;
using Hearth.Server.Workloads;

namespace Hearth.Server.Workspaces;

/// <summary>
/// <c>config.workloads</c>: made through the agent as soon as the new workspace runs, before
/// the create answers. The agent keeps them on the workspace's disk, so they come back with
/// every later start without hearthd's help.
/// </summary>
internal sealed partial class WorkspaceService
{
    /// <summary>The longest the agent may take for all of them (each is a file write and, usually, a spawn).</summary>
    private static readonly TimeSpan ConfigWorkloadsTimeout = TimeSpan.FromSeconds(30);

    private static async Task CreateConfigWorkloadsAsync(int initPid, IReadOnlyList<WorkloadSpec> workloads)
    {
        if (workloads.Count == 0) return;
        using var timeout = new CancellationTokenSource(ConfigWorkloadsTimeout);
        await using var agent = await AgentDial.ConnectAsync(initPid, timeout.Token);
        for (var i = 0; i < workloads.Count; i++)
        {
            try
            {
                await agent.CallAsync("workload.create", WorkloadAgent.Serialize(new WorkloadArgs { Spec = workloads[i] }), timeout.Token);
            }
            catch (RuntimeException e) when (AgentErrors.Status(e.Code) is { } status and < 500)
            {
                var field = $"config.workloads[{i}]";
                throw new ApiException(status == 404 ? 400 : status, status == 400 ? ErrorCodes.Validation : e.Code, $"{field} ({workloads[i].Name}): {e.Message}")
                {
                    Errors = [new FieldError { Field = field, Message = e.Message }],
                };
            }
        }
    }
}
