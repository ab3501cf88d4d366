using System.Text.Json.Serialization;
using Hearth.Protocol.Workloads;

namespace Hearth.Agent.Workloads;

/// <summary>A workload's file on the workspace's disk (<see cref="WorkloadStore"/>): its definition and what must survive a restart.</summary>
internal sealed record StoredWorkload
{
    public required WorkloadSpec Spec { get; init; }

    /// <summary>A stop request was its last word: it stays stopped when the workspace starts (unless its policy is <c>always</c>).</summary>
    public bool StoppedByRequest { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(StoredWorkload))]
internal sealed partial class StoredWorkloadJsonContext : JsonSerializerContext
{
}
