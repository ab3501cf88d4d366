using System.Text.Json;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Workloads;

namespace Hearth.Agent.Workloads;

/// <summary>The <c>workload.*</c> operations (docs/design/workloads.md, "Agent operations").</summary>
internal static class WorkloadOperations
{
    public static JsonElement? Create(OperationContext context)
    {
        var args = Args(context);
        var spec = args.Spec ?? throw new OperationException("bad_request", "workload.create needs spec");
        return Info(Manager(context).Create(spec));
    }

    public static JsonElement? List(OperationContext context) =>
        OperationContext.Result(new WorkloadListResult { Workloads = Manager(context).List() }, AgentWorkloadJsonContext.Default.WorkloadListResult);

    public static JsonElement? Get(OperationContext context) => Info(Manager(context).Get(Ref(context)));

    public static JsonElement? Update(OperationContext context)
    {
        var args = Args(context);
        var patch = args.Patch ?? throw new OperationException("bad_request", "workload.update needs patch");
        return Info(Manager(context).Update(Ref(args), patch));
    }

    public static JsonElement? Start(OperationContext context) => Info(Manager(context).Start(Ref(context)));

    public static JsonElement? Stop(OperationContext context)
    {
        var args = Args(context);
        return Info(Manager(context).Stop(Ref(args), Timeout(args)));
    }

    public static JsonElement? Delete(OperationContext context)
    {
        var args = Args(context);
        return Info(Manager(context).Delete(Ref(args), Timeout(args)));
    }

    public static JsonElement? DeleteAll(OperationContext context) =>
        OperationContext.Result(new WorkloadListResult { Workloads = Manager(context).DeleteAll(Timeout(Args(context))) },
            AgentWorkloadJsonContext.Default.WorkloadListResult);

    public static JsonElement? Stats(OperationContext context) =>
        OperationContext.Result(new WorkloadStatsResult { Stats = Manager(context).Stats(Args(context).Ref) },
            AgentWorkloadJsonContext.Default.WorkloadStatsResult);

    /// <summary>The workloads, or <c>unsupported</c> when the agent is not a workspace's init (a test run outside a container).</summary>
    internal static WorkloadManager Manager(OperationContext context) =>
        context.Supervisor.Workloads ?? throw new OperationException("unsupported", "workloads need the agent to run as a workspace's init");

    private static WorkloadArgs Args(OperationContext context) => context.Args(AgentWorkloadJsonContext.Default.WorkloadArgs);

    private static string Ref(OperationContext context) => Ref(Args(context));

    private static string Ref(WorkloadArgs args) =>
        args.Ref is { Length: > 0 } reference ? reference : throw new OperationException("bad_request", "ref: the workload's id or name is required");

    private static TimeSpan Timeout(WorkloadArgs args)
    {
        var seconds = args.TimeoutSeconds ?? WorkloadLimits.DefaultStopTimeoutSeconds;
        if (seconds is < 0 or > 3600 || double.IsNaN(seconds)) throw new OperationException("bad_request", "timeout_seconds: 0-3600");
        return TimeSpan.FromSeconds(seconds);
    }

    private static JsonElement Info(WorkloadInfo info) => OperationContext.Result(info, AgentWorkloadJsonContext.Default.WorkloadInfo);
}
