using System.Text.Json.Serialization;

namespace Hearth.Protocol.Workspaces;

/// <summary>A workspace as the control-plane API returns it (the Oblien wire shape).</summary>
public sealed record Workspace
{
    /// <summary>Identifier, <c>ws_</c> followed by lowercase alphanumerics.</summary>
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Slug { get; init; }
    public string? Namespace { get; init; }
    public required string Image { get; init; }
    /// <summary><c>permanent</c> or <c>temporary</c>.</summary>
    public required string Mode { get; init; }
    /// <summary>One of <see cref="WorkspaceStatus"/>'s values.</summary>
    public required string Status { get; init; }
    public required WorkspaceInfo Info { get; init; }
    /// <summary>True while the workspace runs and is usable.</summary>
    public bool Ready { get; init; }
    public required Provisioning Provisioning { get; init; }
    public required WorkspaceResources Resources { get; init; }
    public required WorkspaceLifecycle Lifecycle { get; init; }
    public required WorkspaceConfig Config { get; init; }
    public required WorkspaceNetwork Network { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Run-time facts about a workspace.</summary>
public sealed record WorkspaceInfo
{
    public required string Status { get; init; }
    public bool IsRunning { get; init; }
    public bool UserRequestedStop { get; init; }
    public bool Ready { get; init; }
    /// <summary>Private address; null until the workspace has a network.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? InternalIp { get; init; }
    /// <summary>Processes the kernel's OOM killer ended inside the workspace since it last started.</summary>
    public long OomKills { get; init; }
    /// <summary>Why the workspace stopped or failed, when it did so on its own.</summary>
    public string? Reason { get; init; }
}

/// <summary>Progress of the workspace's creation.</summary>
public sealed record Provisioning
{
    /// <summary><c>provisioning</c>, <c>ready</c> or <c>failed</c>.</summary>
    public required string State { get; init; }
    /// <summary><c>creating</c>, <c>created</c> or <c>deleting</c>.</summary>
    public required string Phase { get; init; }
    public string? Message { get; init; }
    public ProvisioningError? Error { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}

public sealed record ProvisioningError
{
    public required string Code { get; init; }
    public required string Message { get; init; }
}

/// <summary>CPU, memory and disk given to a workspace.</summary>
public sealed record WorkspaceResources
{
    public int Cpus { get; init; }
    public int MemoryMb { get; init; }
    public int DiskSizeMb { get; init; }
    /// <summary>A disk size asked for while running; applied at the next start.</summary>
    public int? PendingDiskSizeMb { get; init; }
}

/// <summary>Mode and time-to-live settings.</summary>
public sealed record WorkspaceLifecycle
{
    public string? Mode { get; init; }
    public string? Status { get; init; }
    /// <summary>As given at create: a duration string such as <c>"30m"</c> or a number of seconds.</summary>
    public string? Ttl { get; init; }
    public int? TtlSeconds { get; init; }
    public string? TtlAction { get; init; }
    public bool RemoveOnExit { get; init; }
    public string? RestartPolicy { get; init; }
    public DateTimeOffset? TtlExpiresAt { get; init; }
    public bool PauseSupported { get; init; } = true;
    public bool SnapshotSupported { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>The network facts of a workspace; filled once networking exists.</summary>
public sealed record WorkspaceNetwork
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Ip { get; init; }
}

/// <summary>The create-time configuration, normalised.</summary>
public sealed record WorkspaceConfig
{
    public int? Cpus { get; init; }
    public int? MemoryMb { get; init; }
    public int? DiskSizeMb { get; init; }
    public string? Ttl { get; init; }
    public string? TtlAction { get; init; }
    public bool? RemoveOnExit { get; init; }
    public string? RestartPolicy { get; init; }
    public int? MaxRestarts { get; init; }
    /// <summary>Environment of the workspace's processes.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }
    /// <summary>The main process; runs under Hearth's init as PID 1's child.</summary>
    public IReadOnlyList<string>? Cmd { get; init; }

    /// <summary>Fields Hearth does not act on yet, kept as given.</summary>
    [JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Extra { get; set; }
}
