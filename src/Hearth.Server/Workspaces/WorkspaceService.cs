using System.Collections.Concurrent;
using Hearth.Protocol.Errors;
using Hearth.Runtime;
using Hearth.Runtime.Images;
using Hearth.Server.Api;
using Hearth.Server.Images;
using Hearth.Server.Options;
using Hearth.Server.Persistence;
using Microsoft.Data.Sqlite;
using Status = Hearth.Protocol.Workspaces.WorkspaceStatus;

namespace Hearth.Server.Workspaces;

/// <summary>
/// The workspace state machine. Every transition is written to the store before its side
/// effects run (DESIGN §4), so after a crash the recorded status says what was under way and the
/// reconciler can finish or undo it. Side effects run with <see cref="CancellationToken.None"/>:
/// a client that hangs up must not leave a half-made workspace behind.
/// </summary>
internal sealed partial class WorkspaceService(
    WorkspaceRepository repository,
    IWorkspaceDriver driver,
    ImageStore images,
    HearthOptions options,
    HostCapacity capacity,
    Network.NetworkService network,
    ILogger<WorkspaceService> logger)
{
    private readonly KeyedLock locks = new();
    private readonly ConcurrentDictionary<string, int> initPids = new();

    /// <summary>The init pid of each workspace this process started or found running.</summary>
    public IReadOnlyDictionary<string, int> InitPids => initPids;

    public WorkspaceRecord Get(string idOrSlug) => repository.Find(idOrSlug) ?? throw ApiException.NotFound($"workspace {idOrSlug}");

    public long OomKills(WorkspaceRecord record) =>
        record.Status is Status.Running or Status.Paused ? driver.ReadOomKills(record.Id) : 0;

    public async Task<(WorkspaceRecord Workspace, bool Created)> CreateAsync(CreateWorkspaceInput input, string owner)
    {
        if (await FindSettledTwinAsync(input, owner) is { } earlier)
            return (earlier, false);
        CheckCapacity(input.MemoryMb, input.DiskSizeMb);
        if (input.Slug is { } wanted && repository.SlugExists(wanted))
            throw ApiException.Conflict($"slug '{wanted}' is taken");

        var config = input.Config with { PrivateLinkIds = ResolveLinks(input.Config.PrivateLinkIds, "config.private_link_ids", self: null) };
        // The image is ready before anything is recorded: a failed build or pull leaves nothing behind.
        var image = await EnsureImageAsync(input.Image);

        var id = WorkspaceIds.New();
        // Held from before the row exists until the workspace runs (or is gone), so whoever sees
        // the row in `creating` - an idempotent retry, a delete - waits for the outcome.
        using var gate = await locks.AcquireAsync(id);
        var name = input.Name ?? $"workspace-{id[3..]}";
        var slug = input.Slug ?? UniqueSlug(WorkspaceIds.Slugify(name, id), id);
        var now = DateTimeOffset.UtcNow;
        WorkspaceRecord record;
        try
        {
            record = repository.Insert((slot, address) => new WorkspaceRecord
            {
                Id = id,
                Name = name,
                Slug = slug,
                Namespace = input.Namespace,
                Image = input.Image,
                ImagePin = ImagePin.Of(image),
                Mode = input.Mode,
                Status = Status.Creating,
                ProvisioningState = ProvisioningValues.StateProvisioning,
                ProvisioningPhase = ProvisioningValues.PhaseCreating,
                ProvisioningMessage = "creating disk and container",
                Cpus = input.Cpus,
                MemoryMb = input.MemoryMb,
                DiskSizeMb = input.DiskSizeMb,
                Config = config,
                InternalIp = address ?? throw new WorkspaceLimitReachedException($"the address pool {network.Options.Pool} is full"),
                Ttl = input.Ttl,
                TtlSeconds = input.TtlSeconds,
                TtlAction = input.TtlAction,
                RemoveOnExit = input.RemoveOnExit,
                RestartPolicy = input.RestartPolicy,
                UidSlot = slot,
                OwnerKey = owner,
                IdempotencyKey = input.IdempotencyKey,
                CreatedAt = now,
                UpdatedAt = now,
            }, options.MaxWorkspaces, network.PickAddress);
        }
        catch (WorkspaceLimitReachedException e)
        {
            throw new ApiException(422, ErrorCodes.InsufficientCapacity, e.Message);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: a concurrent twin won
        {
            gate.Dispose();
            if (input.IdempotencyKey is not null)
            {
                // The twin finished: return it; or it failed and left nothing: create after all.
                return await FindSettledTwinAsync(input, owner) is { } twin ? (twin, false) : await CreateAsync(input, owner);
            }
            throw ApiException.Conflict($"slug '{slug}' is taken");
        }

        try
        {
            // The firewall knows the workspace before its network exists: never a moment unguarded.
            await network.AddAsync(record);
            var pid = initPids[id] = await driver.CreateAsync(SpecOf(record), CancellationToken.None);
            await CreateConfigWorkloadsAsync(pid, input.Workloads);
        }
        catch (Exception e)
        {
            LogCreateFailed(e, id);
            initPids.TryRemove(id, out int _);
            await DestroyQuietlyAsync(id);
            await ForgetNetworkQuietlyAsync(record); // before the row goes: its address stays reserved until then
            repository.Delete(id);
            // A workload of config.workloads the agent refused is the request's fault: its own status.
            throw e as ApiException ?? new ApiException(500, ErrorCodes.CreateFailed, $"creating the workspace failed: {e.Message}");
        }
        record = MarkRunning(record with
        {
            ProvisioningState = ProvisioningValues.StateReady,
            ProvisioningPhase = ProvisioningValues.PhaseCreated,
            ProvisioningMessage = null,
            CompletedAt = DateTimeOffset.UtcNow,
        });
        return (record, true);
    }

    /// <summary>
    /// The workspace an earlier create with the same idempotency key made, once that create has
    /// finished; null when there is none (or it failed and left nothing, so this one may create).
    /// </summary>
    private async Task<WorkspaceRecord?> FindSettledTwinAsync(CreateWorkspaceInput input, string owner)
    {
        if (input.IdempotencyKey is not { } key || repository.FindByIdempotencyKey(owner, key) is not { } twin)
            return null;
        if (twin.Status != Status.Creating) return twin;
        using (await locks.AcquireAsync(twin.Id)) { }
        return repository.FindByIdempotencyKey(owner, key);
    }

    public async Task<WorkspaceRecord> StartAsync(string idOrSlug)
    {
        var id = Get(idOrSlug).Id;
        using var _ = await locks.AcquireAsync(id);
        var record = Get(id);
        return record.Status switch
        {
            Status.Running => record,
            Status.Stopped or Status.Failed => await StartLockedAsync(record),
            _ => throw StateConflict(record, "start"),
        };
    }

    public async Task<WorkspaceRecord> StopAsync(string idOrSlug)
    {
        var id = Get(idOrSlug).Id;
        using var _ = await locks.AcquireAsync(id);
        var record = Get(id);
        return record.Status switch
        {
            Status.Stopped => record,
            Status.Running or Status.Paused or Status.Failed => await StopLockedAsync(record, "stopped by request", userRequested: true),
            _ => throw StateConflict(record, "stop"),
        };
    }

    public async Task<WorkspaceRecord> RestartAsync(string idOrSlug)
    {
        var id = Get(idOrSlug).Id;
        using var _ = await locks.AcquireAsync(id);
        var record = Get(id);
        if (record.Status is not (Status.Running or Status.Paused or Status.Stopped or Status.Failed))
            throw StateConflict(record, "restart");
        if (record.Status != Status.Stopped)
            record = await StopLockedAsync(record, "restarting", userRequested: false);
        return await StartLockedAsync(record);
    }

    public async Task<WorkspaceRecord> PauseAsync(string idOrSlug)
    {
        var id = Get(idOrSlug).Id;
        using var _ = await locks.AcquireAsync(id);
        var record = Get(id);
        if (record.Status == Status.Paused) return record;
        if (record.Status != Status.Running) throw StateConflict(record, "pause");
        await driver.PauseAsync(id, CancellationToken.None);
        return repository.Update(record with { Status = Status.Paused, StatusReason = null });
    }

    public async Task<WorkspaceRecord> ResumeAsync(string idOrSlug)
    {
        var id = Get(idOrSlug).Id;
        using var _ = await locks.AcquireAsync(id);
        var record = Get(id);
        if (record.Status == Status.Running) return record;
        if (record.Status != Status.Paused) throw StateConflict(record, "resume");
        await driver.ResumeAsync(id, CancellationToken.None);
        return repository.Update(record with { Status = Status.Running });
    }

    public async Task DeleteAsync(string idOrSlug)
    {
        var id = Get(idOrSlug).Id;
        WorkspaceRecord record;
        using (await locks.AcquireAsync(id))
        {
            record = repository.Update(Get(id) with
            {
                Status = Status.Deleting,
                ProvisioningPhase = ProvisioningValues.PhaseDeleting,
            });
            initPids.TryRemove(id, out int _);
            await driver.DestroyAsync(id, CancellationToken.None);
        }
        // The row stays (deleting, its address reserved) until the network has forgotten the
        // workspace: a crash in between is finished by the reconciler, and no new workspace can
        // get the address while other workspaces' rules still name it. Outside this workspace's
        // lock: forgetting it takes the locks of the workspaces naming it.
        await ForgetNetworkAsync(record);
        using (await locks.AcquireAsync(id))
            repository.Delete(id);
    }

    /// <summary>Adds <paramref name="port"/> to a set <c>ingress_ports</c> list that lacks it (an empty list admits every port already).</summary>
    public async Task<WorkspaceRecord> OpenIngressPortAsync(string idOrSlug, int port)
    {
        var id = Get(idOrSlug).Id;
        using var _ = await locks.AcquireAsync(id);
        var record = Get(id);
        if (record.Status is Status.Deleting || record.Config.IngressPorts is not { Count: > 0 } ports || ports.Contains(port)) return record;
        var updated = repository.Update(record with { Config = record.Config with { IngressPorts = [.. ports, port] } });
        await network.ApplyAsync(updated, forgetResolved: false);
        return updated;
    }

    /// <summary>
    /// <c>PATCH /workspace/:id/network</c>: stores the given fields (a list replaces the old one)
    /// and applies them to new connections at once.
    /// </summary>
    public async Task<WorkspaceRecord> UpdateNetworkAsync(string idOrSlug, Hearth.Protocol.Workspaces.UpdateNetworkRequest input)
    {
        var id = Get(idOrSlug).Id;
        using var _ = await locks.AcquireAsync(id);
        var record = Get(id);
        if (record.Status is Status.Deleting) throw StateConflict(record, "change the network of");
        var config = record.Config;
        var updated = repository.Update(record with
        {
            Config = config with
            {
                AllowInternet = input.AllowInternet ?? config.AllowInternet,
                Ingress = input.Ingress ?? config.Ingress,
                IngressPorts = input.IngressPorts ?? config.IngressPorts,
                Egress = input.Egress ?? config.Egress,
                PrivateLinkIds = input.PrivateLinkIds is { } links ? ResolveLinks(links, "private_link_ids", self: id) : config.PrivateLinkIds,
                PublicAccess = input.PublicAccess ?? config.PublicAccess,
            },
        });
        await network.ApplyAsync(updated, forgetResolved: input.Egress is not null);
        return updated;
    }

    public async Task<WorkspaceRecord> UpdateAsync(string idOrSlug, string? name, string? slug, IReadOnlyDictionary<string, string>? metadata)
    {
        var id = Get(idOrSlug).Id;
        using var _ = await locks.AcquireAsync(id);
        var record = Get(id);
        if (slug is not null && slug != record.Slug && repository.SlugExists(slug))
            throw ApiException.Conflict($"slug '{slug}' is taken");
        var merged = new Dictionary<string, string>(record.Metadata);
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>()) merged[k] = v;
        return repository.Update(record with { Name = name ?? record.Name, Slug = slug ?? record.Slug, Metadata = merged });
    }

    /// <summary>CPU and memory apply live; a larger disk is recorded and applied at the next start.</summary>
    public async Task<(WorkspaceRecord Workspace, IReadOnlyList<string> AppliedLive)> UpdateResourcesAsync(
        string idOrSlug, int? cpus, int? memoryMb, int? diskSizeMb)
    {
        var id = Get(idOrSlug).Id;
        using var _ = await locks.AcquireAsync(id);
        var record = Get(id);
        if (record.Status is Status.Creating or Status.Deleting or Status.Starting or Status.Stopping)
            throw StateConflict(record, "resize");
        if (diskSizeMb is { } disk && disk < record.EffectiveDiskSizeMb)
            throw new ApiException(422, ErrorCodes.Validation, $"disk_size_mb: a disk cannot shrink (it is {record.EffectiveDiskSizeMb} MB)")
            { Errors = [new FieldError { Field = "disk_size_mb", Message = $"cannot shrink below {record.EffectiveDiskSizeMb}" }] };
        CheckCapacity(memoryMb ?? record.MemoryMb, diskSizeMb is { } d ? d - record.EffectiveDiskSizeMb : 0);

        var updated = record with
        {
            Cpus = cpus ?? record.Cpus,
            MemoryMb = memoryMb ?? record.MemoryMb,
            PendingDiskSizeMb = diskSizeMb is { } grow && grow > record.DiskSizeMb ? grow : record.PendingDiskSizeMb,
            Config = record.Config with { Cpus = cpus ?? record.Cpus, MemoryMb = memoryMb ?? record.MemoryMb, DiskSizeMb = diskSizeMb ?? record.Config.DiskSizeMb },
        };
        // Recorded before the cgroups change (DESIGN §4), and put back if the kernel refuses.
        List<string> live = [];
        updated = repository.Update(updated);
        if (record.Status is Status.Running or Status.Paused && (cpus is not null || memoryMb is not null))
        {
            try
            {
                await driver.UpdateLimitsAsync(id, LimitsOf(updated), CancellationToken.None);
            }
            catch (RuntimeException e)
            {
                repository.Update(record);
                // cgroup v1 refuses a memory limit below what the workspace uses now (EBUSY).
                if (memoryMb is not null)
                    throw new ApiException(409, ErrorCodes.Conflict, $"memory_mb {memoryMb} could not be applied live: {e.Message}");
                throw;
            }
            if (cpus is not null) live.Add("cpus");
            if (memoryMb is not null) live.Add("memory_mb");
        }
        return (updated, live);
    }

    /// <summary>Changes fields that have no host side effects (runtime access) under the workspace's lock.</summary>
    public async Task<WorkspaceRecord> ChangeAsync(string idOrSlug, Func<WorkspaceRecord, WorkspaceRecord> change)
    {
        var id = Get(idOrSlug).Id;
        using var _ = await locks.AcquireAsync(id);
        return repository.Update(change(Get(id)));
    }

    /// <summary><c>DELETE /workspace/:id/lifecycle</c>: drop the TTL settings, so the workspace never expires.</summary>
    public async Task<WorkspaceRecord> ClearLifecycleAsync(string idOrSlug)
    {
        var id = Get(idOrSlug).Id;
        using var _ = await locks.AcquireAsync(id);
        var record = Get(id);
        return repository.Update(record with
        {
            Ttl = null,
            TtlSeconds = null,
            TtlAction = null,
            RemoveOnExit = false,
            Config = record.Config with { Ttl = null, TtlAction = null, RemoveOnExit = null },
        });
    }

    /// <summary>Called by the monitor when a workspace's init is gone: record why and clean up.</summary>
    public async Task HandleExitAsync(string id)
    {
        using var _ = await locks.AcquireAsync(id);
        initPids.TryRemove(id, out int _);
        var record = repository.Find(id);
        if (record is null || record.Status is not (Status.Running or Status.Paused)) return;
        var state = await driver.InspectAsync(id, CancellationToken.None);
        if (state.Status is ContainerStatus.Running or ContainerStatus.Paused)
        {
            if (state.Pid is { } pid) initPids[id] = pid;
            return;
        }
        var reason = state.OomKills > 0 ? $"main process exited (the OOM killer ended {state.OomKills} process(es))" : "main process exited";
        await StopLockedAsync(record, reason, userRequested: false);
    }

    /// <summary>Brings one recorded workspace and the host into agreement (daemon start).</summary>
    public async Task ReconcileAsync(WorkspaceRecord record)
    {
        using var _ = await locks.AcquireAsync(record.Id);
        record = repository.Find(record.Id) ?? record;
        switch (record.Status)
        {
            case Status.Creating or Status.Deleting:
                // A create that never finished was never reported as done; a delete was asked for.
                await DestroyQuietlyAsync(record.Id);
                await ForgetNetworkQuietlyAsync(record);
                repository.Delete(record.Id);
                LogReconciled(record.Id, record.Status, "removed");
                break;
            case Status.Running or Status.Paused or Status.Starting:
                var state = await driver.InspectAsync(record.Id, CancellationToken.None);
                if (state.Status is ContainerStatus.Running or ContainerStatus.Paused)
                {
                    if (state.Pid is { } pid) initPids[record.Id] = pid;
                    var actual = state.Status == ContainerStatus.Paused ? Status.Paused : Status.Running;
                    if (actual != record.Status) repository.Update(record with { Status = actual });
                    break;
                }
                await StartLockedAsync(record);
                LogReconciled(record.Id, record.Status, "started again");
                break;
            case Status.Stopping:
                await StopLockedAsync(record, record.StatusReason ?? "stopped", record.UserRequestedStop);
                LogReconciled(record.Id, record.Status, "stopped");
                break;
            default: // stopped, failed: nothing may run or stay mounted
                await driver.StopAsync(record.Id, TimeSpan.Zero, CancellationToken.None);
                break;
        }
    }

    /// <summary>Removes host traces whose workspace is not in the store (left by a crash).</summary>
    public async Task<int> SweepOrphansAsync()
    {
        var known = repository.All().Select(r => r.Id).ToHashSet();
        var orphans = (await driver.ListTracesAsync(CancellationToken.None)).Where(id => !known.Contains(id)).ToList();
        foreach (var id in orphans)
            await DestroyQuietlyAsync(id);
        return orphans.Count;
    }

    private async Task<WorkspaceRecord> StartLockedAsync(WorkspaceRecord record)
    {
        record = repository.Update(record with { Status = Status.Starting, StatusReason = null, UserRequestedStop = false });
        try
        {
            if (record.InternalIp is null)
            {
                // A workspace made before Hearth had networking gets its address at its next start.
                record = repository.AssignAddress(record, network.PickAddress)
                    ?? throw new InvalidOperationException($"the address pool {network.Options.Pool} is full");
                await network.AddAsync(record);
            }
            if (record.ImagePin is null)
            {
                // Made before layered images: pinned to the tree it ran on, or to the image as it is now.
                var pin = await images.AdoptLegacyAsync(record.Image) ?? ImagePin.Of(await EnsureImageAsync(record.Image));
                record = repository.Update(record with { ImagePin = pin });
            }
            initPids[record.Id] = await driver.StartAsync(SpecOf(record), CancellationToken.None);
        }
        catch (Exception e)
        {
            LogStartFailed(e, record.Id);
            repository.Update(record with { Status = Status.Failed, StatusReason = $"start failed: {e.Message}" });
            throw new ApiException(500, "start_failed", $"starting {record.Id} failed: {e.Message}");
        }
        return MarkRunning(record with
        {
            DiskSizeMb = record.EffectiveDiskSizeMb,
            PendingDiskSizeMb = null,
            Config = record.Config with { DiskSizeMb = record.EffectiveDiskSizeMb },
        });
    }

    private async Task<WorkspaceRecord> StopLockedAsync(WorkspaceRecord record, string reason, bool userRequested)
    {
        record = repository.Update(record with { Status = Status.Stopping, StatusReason = reason, UserRequestedStop = userRequested });
        initPids.TryRemove(record.Id, out int _);
        await driver.StopAsync(record.Id, options.StopGrace, CancellationToken.None);
        return repository.Update(record with { Status = Status.Stopped });
    }

    private WorkspaceRecord MarkRunning(WorkspaceRecord record) =>
        repository.Update(record with { Status = Status.Running, StatusReason = null, StartedAt = DateTimeOffset.UtcNow });

    /// <summary>
    /// A deleted workspace's address and id leave the firewall and every other workspace's
    /// settings, so an address given out again later admits nobody by accident.
    /// </summary>
    private async Task ForgetNetworkAsync(WorkspaceRecord deleted)
    {
        await network.RemoveAsync(deleted);
        foreach (var other in repository.All().Where(o => Network.NetworkService.Mentions(o.Config, deleted)))
        {
            using var _ = await locks.AcquireAsync(other.Id);
            if (repository.Find(other.Id) is not { } current) continue;
            await network.ApplyAsync(repository.Update(current with { Config = Network.NetworkService.Forget(current.Config, deleted) }), forgetResolved: false);
        }
    }

    private async Task ForgetNetworkQuietlyAsync(WorkspaceRecord deleted)
    {
        try { await ForgetNetworkAsync(deleted); }
        catch (Exception e) { LogCleanupFailed(e, deleted.Id); }
    }

    /// <summary>Private links name workspaces by id or slug; they are stored as ids of workspaces that exist.</summary>
    private List<string>? ResolveLinks(IReadOnlyList<string>? links, string field, string? self)
    {
        if (links is null) return null;
        var errors = new List<FieldError>();
        var ids = new List<string>();
        for (var i = 0; i < links.Count; i++)
        {
            if (repository.Find(links[i]) is not { } linked)
                errors.Add(new FieldError { Field = $"{field}[{i}]", Message = $"no workspace '{links[i]}'" });
            else if (linked.Id == self)
                errors.Add(new FieldError { Field = $"{field}[{i}]", Message = "a workspace cannot link to itself" });
            else if (!ids.Contains(linked.Id))
                ids.Add(linked.Id);
        }
        if (errors.Count > 0) throw ApiException.Invalid(errors);
        return ids;
    }

    private async Task DestroyQuietlyAsync(string id)
    {
        try { await driver.DestroyAsync(id, CancellationToken.None); }
        catch (Exception e) { LogCleanupFailed(e, id); }
    }

    private void CheckCapacity(int memoryMb, int extraDiskMb)
    {
        var errors = new List<FieldError>();
        if (memoryMb > capacity.MemoryMb)
            errors.Add(new FieldError { Field = "memory_mb", Message = $"{memoryMb} MB is more than this host has ({capacity.MemoryMb} MB)" });
        if (extraDiskMb > 0 && extraDiskMb > capacity.FreeDiskMb)
            errors.Add(new FieldError { Field = "disk_size_mb", Message = $"{extraDiskMb} MB is more than the free space of the disk pool ({capacity.FreeDiskMb} MB)" });
        if (errors.Count > 0)
            throw new ApiException(422, ErrorCodes.InsufficientCapacity, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"))) { Errors = errors };
    }

    private string UniqueSlug(string slug, string id) => repository.SlugExists(slug) ? $"{slug}-{id[3..]}" : slug;

    /// <summary>
    /// Workspaces made before layered images ran on <c>images/&lt;name&gt;/rootfs</c>: that tree
    /// becomes a layer and they are pinned to it at hearthd's start, before anything can prune
    /// (a running one keeps its mounts; the tree is linked, not copied). Those whose tree is gone
    /// get today's image at their next start.
    /// </summary>
    public async Task PinLegacyWorkspacesAsync()
    {
        foreach (var record in repository.All().Where(r => r.ImagePin is null))
        {
            using var _ = await locks.AcquireAsync(record.Id);
            if (repository.Find(record.Id) is not { ImagePin: null } current) continue;
            try
            {
                if (await images.AdoptLegacyAsync(current.Image) is { } pin)
                    repository.Update(current with { ImagePin = pin });
            }
            catch (Exception e) { LogAdoptFailed(e, current.Id, current.Image); }
        }
    }

    /// <summary>
    /// The image, built or pulled if needed. Its own failures are the caller's bad input (an
    /// unknown name, a registry that says 404, a corrupt layer) or the registry's trouble.
    /// </summary>
    private async Task<ImageRecord> EnsureImageAsync(string name)
    {
        try { return await images.EnsureAsync(name); }
        catch (RuntimeException e) { throw ImageErrors.ToApi(e); }
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Error, Message = "workspace {Id}: adopting the pre-layer tree of image {Image} failed; it keeps it until its next start")]
    private partial void LogAdoptFailed(Exception exception, string id, string image);

    private WorkspaceSpec SpecOf(WorkspaceRecord record) => new()
    {
        Id = record.Id,
        Hostname = HostnameOf(record),
        ImageLayers = images.TreesOf(record.ImagePin!.Layers),
        ImageConfig = record.ImagePin.Config,
        UidBase = options.UidBase + record.UidSlot * WorkspaceSpec.UidRangeSize,
        Limits = LimitsOf(record),
        DiskSizeMb = record.EffectiveDiskSizeMb,
        Env = record.Config.Env ?? new Dictionary<string, string>(),
        Cmd = record.Config.Cmd ?? [],
        Address = record.InternalIp is { } ip ? System.Net.IPAddress.Parse(ip) : null,
    };

    /// <summary>The workspace's host name: its slug, cut to the 63 characters a host name may have.</summary>
    public static string HostnameOf(WorkspaceRecord record) => record.Slug.Length <= 63 ? record.Slug : record.Slug[..63].TrimEnd('-');

    private ResourceLimits LimitsOf(WorkspaceRecord record) => new(record.Cpus, record.MemoryMb, options.PidsLimit);

    private static ApiException StateConflict(WorkspaceRecord record, string operation) =>
        ApiException.Conflict($"cannot {operation} workspace {record.Id} while it is {record.Status}");

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "creating workspace {Id} failed; cleaned up")]
    private partial void LogCreateFailed(Exception exception, string id);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "starting workspace {Id} failed")]
    private partial void LogStartFailed(Exception exception, string id);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "cleaning up workspace {Id} failed")]
    private partial void LogCleanupFailed(Exception exception, string id);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "reconciled workspace {Id} (was {Status}): {Action}")]
    private partial void LogReconciled(string id, string status, string action);
}
