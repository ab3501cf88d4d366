using System.Text.Json.Serialization;

namespace Hearth.Protocol.Workspaces;

/// <summary>A workspace as the control-plane API returns it (the Oblien wire shape).</summary>
public sealed record Workspace
{
    /// <summary>Identifier, <c>ws_</c> followed by lowercase alphanumerics.</summary>
    public required string Id { get; init; }
    /// <summary>Display name; <c>workspace-</c> plus the id's suffix when none was given.</summary>
    public required string Name { get; init; }
    /// <summary>Unique URL-safe alias, accepted in place of the id in paths; derived from the name when none was given.</summary>
    public string? Slug { get; init; }
    /// <summary>Grouping label of letters, digits and hyphens; <c>default</c> when none was given.</summary>
    public string? Namespace { get; init; }
    /// <summary>The catalogue image the workspace runs, e.g. <c>debian-12</c>.</summary>
    public required string Image { get; init; }
    /// <summary><c>permanent</c> or <c>temporary</c>.</summary>
    public required string Mode { get; init; }
    /// <summary>One of <see cref="WorkspaceStatus"/>'s values.</summary>
    public required string Status { get; init; }
    /// <summary>Run-time facts: status, running, ready, address, OOM kills.</summary>
    public required WorkspaceInfo Info { get; init; }
    /// <summary>True while the workspace runs and is usable.</summary>
    public bool Ready { get; init; }
    /// <summary>Progress of the workspace's creation.</summary>
    public required Provisioning Provisioning { get; init; }
    /// <summary>CPU, memory and disk currently given to the workspace.</summary>
    public required WorkspaceResources Resources { get; init; }
    /// <summary>Mode and time-to-live settings.</summary>
    public required WorkspaceLifecycle Lifecycle { get; init; }
    /// <summary>The create-time configuration, normalised and kept up to date by resource and lifecycle changes.</summary>
    public required WorkspaceConfig Config { get; init; }
    /// <summary>Network facts: <c>network.ip</c> is the workspace's private address.</summary>
    public required WorkspaceNetwork Network { get; init; }
    /// <summary>Caller-defined string pairs set through <c>PUT /workspace/:id</c>; empty when none were set.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    /// <summary>When the workspace was created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the workspace's record last changed (UTC).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Run-time facts about a workspace.</summary>
public sealed record WorkspaceInfo
{
    /// <summary>The same value as the workspace's <c>status</c>.</summary>
    public required string Status { get; init; }
    /// <summary>True while the workspace's container exists: <c>running</c> or <c>paused</c>.</summary>
    public bool IsRunning { get; init; }
    /// <summary>True when the last stop was asked for through <c>POST /workspace/:id/stop</c>.</summary>
    public bool UserRequestedStop { get; init; }
    /// <summary>The same value as the workspace's <c>ready</c>: true only while <c>running</c>.</summary>
    public bool Ready { get; init; }
    /// <summary>The workspace's private address (the same as <c>network.ip</c>).</summary>
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
    /// <summary>Progress text while provisioning; null once creation has completed.</summary>
    public string? Message { get; init; }
    /// <summary>Why provisioning failed; null unless it did.</summary>
    public ProvisioningError? Error { get; init; }
    /// <summary>When provisioning began (the workspace's creation time).</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When the workspace's record last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>When creation finished; null until it has.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>Why a workspace's provisioning failed.</summary>
public sealed record ProvisioningError
{
    /// <summary>Machine-readable error code.</summary>
    public required string Code { get; init; }
    /// <summary>Human-readable description; the code itself when there is none.</summary>
    public required string Message { get; init; }
}

/// <summary>CPU, memory and disk given to a workspace.</summary>
public sealed record WorkspaceResources
{
    /// <summary>CPU ceiling in cores, 1-32 (a CFS quota of <c>cpus</c> x 100 ms per 100 ms, not a reservation).</summary>
    public int Cpus { get; init; }
    /// <summary>Memory limit in MB (memory plus swap), 128-65536.</summary>
    public int MemoryMb { get; init; }
    /// <summary>Size of the workspace's disk in MB, 64-204800; grows only at a start.</summary>
    public int DiskSizeMb { get; init; }
    /// <summary>A disk size asked for while running; applied at the next start.</summary>
    public int? PendingDiskSizeMb { get; init; }
}

/// <summary>Mode and time-to-live settings.</summary>
public sealed record WorkspaceLifecycle
{
    /// <summary><c>permanent</c> or <c>temporary</c>.</summary>
    public string? Mode { get; init; }
    /// <summary>One of <see cref="WorkspaceStatus"/>'s values.</summary>
    public string? Status { get; init; }
    /// <summary>As given at create: a duration string such as <c>"30m"</c> or a number of seconds.</summary>
    public string? Ttl { get; init; }
    /// <summary>The time-to-live in seconds (at most 365 days); null when there is none.</summary>
    public int? TtlSeconds { get; init; }
    /// <summary>What expiry does: <c>stop</c>, <c>pause</c>, <c>suspend</c> or <c>remove</c>; null when not set.</summary>
    public string? TtlAction { get; init; }
    /// <summary>Whether the workspace is to be deleted once its main process exits.</summary>
    public bool RemoveOnExit { get; init; }
    /// <summary><c>no</c>, <c>never</c>, <c>always</c>, <c>on-failure</c> or <c>unless-stopped</c>; null when not set.</summary>
    public string? RestartPolicy { get; init; }
    /// <summary>Last start plus <c>ttl_seconds</c>; null without a TTL or before the first start.</summary>
    public DateTimeOffset? TtlExpiresAt { get; init; }
    /// <summary>Whether <c>POST /workspace/:id/pause</c> is supported; always true.</summary>
    public bool PauseSupported { get; init; } = true;
    /// <summary>Whether snapshots are supported; always false.</summary>
    public bool SnapshotSupported { get; init; }
    /// <summary>When the workspace was created (UTC).</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>The network facts of a workspace (the full picture: <c>GET /workspace/:id/network</c>).</summary>
public sealed record WorkspaceNetwork
{
    /// <summary>The workspace's private IP address, kept across stop and start.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Ip { get; init; }
}

/// <summary>The create-time configuration, normalised.</summary>
public sealed record WorkspaceConfig
{
    /// <summary>CPU ceiling in cores, 1-32; null in a request takes the server's default.</summary>
    public int? Cpus { get; init; }
    /// <summary>Memory limit in MB, 128-65536; null in a request takes the server's default.</summary>
    public int? MemoryMb { get; init; }
    /// <summary>Disk size in MB, 64-204800 (alias <c>writable_size_mb</c>); null in a request takes the server's default.</summary>
    public int? DiskSizeMb { get; init; }
    /// <summary>Time-to-live as given: <c>"30m"</c>, <c>"1h"</c>, <c>"7d"</c> or seconds, at most 365 days; null for none.</summary>
    public string? Ttl { get; init; }
    /// <summary>What expiry does: <c>stop</c>, <c>pause</c>, <c>suspend</c> or <c>remove</c>; null when not set.</summary>
    public string? TtlAction { get; init; }
    /// <summary>Whether to delete the workspace once its main process exits; null when not set.</summary>
    public bool? RemoveOnExit { get; init; }
    /// <summary><c>no</c>, <c>never</c>, <c>always</c>, <c>on-failure</c> or <c>unless-stopped</c>; null when not set.</summary>
    public string? RestartPolicy { get; init; }
    /// <summary>Most restarts the restart policy may make, 0-1000000; null when not set.</summary>
    public int? MaxRestarts { get; init; }
    /// <summary>Environment of the workspace's processes.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }
    /// <summary>The main process; runs under Hearth's init as PID 1's child.</summary>
    public IReadOnlyList<string>? Cmd { get; init; }
    /// <summary>Whether the workspace may reach addresses outside the workspace pool; null means true.</summary>
    public bool? AllowInternet { get; init; }
    /// <summary>Sources (IPv4 addresses or CIDRs) admitted to the workspace; null or empty admits nobody.</summary>
    public IReadOnlyList<string>? Ingress { get; init; }
    /// <summary>When not empty, admitted sources reach only these TCP/UDP ports.</summary>
    public IReadOnlyList<int>? IngressPorts { get; init; }
    /// <summary>When not empty, the only destinations (IPs, CIDRs, hostnames) the workspace may reach.</summary>
    public IReadOnlyList<string>? Egress { get; init; }
    /// <summary>Workspaces whose addresses are admitted as if listed in <see cref="Ingress"/>.</summary>
    public IReadOnlyList<string>? PrivateLinkIds { get; init; }
    /// <summary>Stored and reported by the network API; public endpoints are not served yet.</summary>
    public bool? PublicAccess { get; init; }

    /// <summary>Fields Hearth does not act on yet, kept as given.</summary>
    [JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Extra { get; set; }
}
