using Hearth.Protocol.Workspaces;

namespace Hearth.Server.Workspaces;

/// <summary>One row of the <c>workspaces</c> table: the recorded (desired) state of a workspace.</summary>
internal sealed record WorkspaceRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Slug { get; init; }
    public required string Namespace { get; init; }
    public required string Image { get; init; }
    public required string Mode { get; init; }
    public required string Status { get; init; }
    public string? StatusReason { get; init; }
    public bool UserRequestedStop { get; init; }
    public required string ProvisioningState { get; init; }
    public required string ProvisioningPhase { get; init; }
    public string? ProvisioningMessage { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public required int Cpus { get; init; }
    public required int MemoryMb { get; init; }
    public required int DiskSizeMb { get; init; }
    public int? PendingDiskSizeMb { get; init; }
    public required WorkspaceConfig Config { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public string? Ttl { get; init; }
    public int? TtlSeconds { get; init; }
    public string? TtlAction { get; init; }
    public bool RemoveOnExit { get; init; }
    public string? RestartPolicy { get; init; }
    public required int UidSlot { get; init; }
    public required string OwnerKey { get; init; }
    public string? IdempotencyKey { get; init; }
    public string? InternalIp { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>The runtime API is served for this workspace (<c>runtime-api-access/enable</c>).</summary>
    public bool RuntimeApiEnabled { get; init; }
    /// <summary>The raw runtime token (until rotated); null before the first enable.</summary>
    public string? RuntimeRawToken { get; init; }
    /// <summary>Gateway tokens of another generation are void: rotating bumps it.</summary>
    public int RuntimeTokenGeneration { get; init; }
    /// <summary>
    /// The layers and settings of the image as it was when the workspace was made: its disk was
    /// written against them, so a rebuilt image does not change under it. Null for workspaces made
    /// before layered images; their next start pins the image as it is then.
    /// </summary>
    public Hearth.Runtime.Images.ImagePin? ImagePin { get; init; }

    /// <summary>The disk size the next start must give (a growth asked for while running).</summary>
    public int EffectiveDiskSizeMb => PendingDiskSizeMb ?? DiskSizeMb;
}

/// <summary>Values of <see cref="WorkspaceRecord.ProvisioningState"/> and <see cref="WorkspaceRecord.ProvisioningPhase"/>.</summary>
internal static class ProvisioningValues
{
    public const string StateProvisioning = "provisioning";
    public const string StateReady = "ready";
    public const string StateFailed = "failed";
    public const string PhaseCreating = "creating";
    public const string PhaseCreated = "created";
    public const string PhaseDeleting = "deleting";
}
