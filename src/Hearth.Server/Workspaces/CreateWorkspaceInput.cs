using Hearth.Protocol.Workspaces;

namespace Hearth.Server.Workspaces;

/// <summary>A validated, normalised create request.</summary>
internal sealed record CreateWorkspaceInput
{
    public required string Image { get; init; }
    public string? Name { get; init; }
    public string? Slug { get; init; }
    public required string Namespace { get; init; }
    public required string Mode { get; init; }
    public required int Cpus { get; init; }
    public required int MemoryMb { get; init; }
    public required int DiskSizeMb { get; init; }
    public string? Ttl { get; init; }
    public int? TtlSeconds { get; init; }
    public string? TtlAction { get; init; }
    public bool RemoveOnExit { get; init; }
    public string? RestartPolicy { get; init; }
    public string? IdempotencyKey { get; init; }

    /// <summary><c>config.workloads</c>, checked: created through the agent once the workspace runs (origin <c>config</c>).</summary>
    public IReadOnlyList<Hearth.Protocol.Workloads.WorkloadSpec> Workloads { get; init; } = [];
    public required WorkspaceConfig Config { get; init; }
}
