using Hearth.Protocol.Workspaces;

namespace Hearth.Server.Workspaces;

/// <summary>Turns a stored record into the wire shape the Oblien SDK reads.</summary>
internal static class WorkspaceMapper
{
    public static Workspace ToWire(WorkspaceRecord r, long oomKills = 0)
    {
        var running = r.Status == WorkspaceStatus.Running;
        return new Workspace
        {
            Id = r.Id,
            Name = r.Name,
            Slug = r.Slug,
            Namespace = r.Namespace,
            Image = r.Image,
            Mode = r.Mode,
            Status = r.Status,
            Ready = running,
            Info = new WorkspaceInfo
            {
                Status = r.Status,
                IsRunning = running || r.Status == WorkspaceStatus.Paused,
                UserRequestedStop = r.UserRequestedStop,
                Ready = running,
                InternalIp = r.InternalIp,
                OomKills = oomKills,
                Reason = r.StatusReason,
            },
            Provisioning = new Provisioning
            {
                State = r.ProvisioningState,
                Phase = r.ProvisioningPhase,
                Message = r.ProvisioningMessage,
                Error = r.ErrorCode is null ? null : new ProvisioningError { Code = r.ErrorCode, Message = r.ErrorMessage ?? r.ErrorCode },
                CreatedAt = r.CreatedAt,
                UpdatedAt = r.UpdatedAt,
                CompletedAt = r.CompletedAt,
            },
            Resources = Resources(r),
            Lifecycle = Lifecycle(r),
            Config = r.Config,
            Network = new WorkspaceNetwork { Ip = r.InternalIp },
            Metadata = r.Metadata,
            CreatedAt = r.CreatedAt,
            UpdatedAt = r.UpdatedAt,
        };
    }

    public static WorkspaceResources Resources(WorkspaceRecord r) => new()
    {
        Cpus = r.Cpus,
        MemoryMb = r.MemoryMb,
        DiskSizeMb = r.DiskSizeMb,
        PendingDiskSizeMb = r.PendingDiskSizeMb,
    };

    public static WorkspaceLifecycle Lifecycle(WorkspaceRecord r) => new()
    {
        Mode = r.Mode,
        Status = r.Status,
        Ttl = r.Ttl,
        TtlSeconds = r.TtlSeconds,
        TtlAction = r.TtlAction,
        RemoveOnExit = r.RemoveOnExit,
        RestartPolicy = r.RestartPolicy,
        TtlExpiresAt = r.TtlSeconds is { } s && r.StartedAt is { } started ? started.AddSeconds(s) : null,
        PauseSupported = true,
        SnapshotSupported = false,
        CreatedAt = r.CreatedAt,
    };
}
