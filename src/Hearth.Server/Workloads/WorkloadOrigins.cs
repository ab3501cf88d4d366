namespace Hearth.Server.Workloads;

/// <summary>Where a workload's definition came from (<see cref="Hearth.Protocol.Workloads.WorkloadSpec.Origin"/>).</summary>
internal static class WorkloadOrigins
{
    /// <summary><c>POST /workspace/:id/workloads</c>.</summary>
    public const string Api = "api";

    /// <summary>The workspace's <c>config.workloads</c> at its create.</summary>
    public const string Config = "config";
}
