using System.Globalization;
using System.Text.Json;
using Hearth.Protocol.Json;
using Hearth.Runtime.Images;
using Hearth.Server.Workspaces;
using Microsoft.Data.Sqlite;

namespace Hearth.Server.Persistence;

/// <summary>Reads and writes <see cref="WorkspaceRecord"/>s. Each call is one short transaction.</summary>
internal sealed class WorkspaceRepository(Database database)
{
    private const string Columns =
        "id, name, slug, namespace, image, mode, status, status_reason, user_requested_stop, provisioning_state, " +
        "provisioning_phase, provisioning_message, error_code, error_message, cpus, memory_mb, disk_size_mb, " +
        "pending_disk_size_mb, config_json, metadata_json, ttl, ttl_seconds, ttl_action, remove_on_exit, restart_policy, " +
        "uid_slot, owner_key, idempotency_key, internal_ip, created_at, updated_at, completed_at, started_at, " +
        "runtime_api_enabled, runtime_raw_token, runtime_token_generation, image_pin_json";

    private static readonly string[] ColumnNames = Columns.Split(", ");

    /// <summary>
    /// Inserts a new workspace, giving it the lowest free uid slot and an address
    /// <paramref name="pickAddress"/> chooses among the unused ones; returns the stored record.
    /// Throws <see cref="WorkspaceLimitReachedException"/> when <paramref name="maxWorkspaces"/> exist.
    /// </summary>
    public WorkspaceRecord Insert(Func<int, string?, WorkspaceRecord> withSlot, int maxWorkspaces, Func<IReadOnlySet<string>, string?> pickAddress)
    {
        using var connection = database.Open();
        // IMMEDIATE takes the write lock first, so two creates can neither pick the same slot nor
        // both squeeze under the workspace limit.
        using var transaction = connection.BeginTransaction(deferred: false);
        using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT COUNT(*) FROM workspaces";
        if (Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture) >= maxWorkspaces)
            throw new WorkspaceLimitReachedException(maxWorkspaces);
        using var slotQuery = connection.CreateCommand();
        slotQuery.Transaction = transaction;
        slotQuery.CommandText =
            "SELECT COALESCE((SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM workspaces WHERE uid_slot = 0)), " +
            "(SELECT MIN(uid_slot) + 1 FROM workspaces w WHERE NOT EXISTS (SELECT 1 FROM workspaces x WHERE x.uid_slot = w.uid_slot + 1)))";
        var slot = Convert.ToInt32(slotQuery.ExecuteScalar(), CultureInfo.InvariantCulture);
        var record = withSlot(slot, pickAddress(UsedAddresses(connection, transaction)));
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO workspaces ({Columns}) VALUES ({string.Join(", ", ColumnNames.Select(c => "$" + c))})";
        Bind(insert, record);
        insert.ExecuteNonQuery();
        transaction.Commit();
        return record;
    }

    /// <summary>Gives a workspace that has none an address <paramref name="pickAddress"/> chooses among the unused ones; null when none is left.</summary>
    public WorkspaceRecord? AssignAddress(WorkspaceRecord record, Func<IReadOnlySet<string>, string?> pickAddress)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        if (pickAddress(UsedAddresses(connection, transaction)) is not { } address) return null;
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE workspaces SET internal_ip = $ip WHERE id = $id";
        update.Parameters.AddWithValue("$ip", address);
        update.Parameters.AddWithValue("$id", record.Id);
        update.ExecuteNonQuery();
        transaction.Commit();
        return record with { InternalIp = address };
    }

    /// <summary>Every workspace address in use (kept by deleting rows too), read inside the caller's write transaction.</summary>
    private static HashSet<string> UsedAddresses(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT internal_ip FROM workspaces WHERE internal_ip IS NOT NULL";
        using var reader = command.ExecuteReader();
        var used = new HashSet<string>();
        while (reader.Read()) used.Add(reader.GetString(0));
        return used;
    }

    /// <summary>Writes every field of <paramref name="record"/> (with a fresh <c>updated_at</c>).</summary>
    public WorkspaceRecord Update(WorkspaceRecord record)
    {
        record = record with { UpdatedAt = DateTimeOffset.UtcNow };
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE workspaces SET {string.Join(", ", ColumnNames.Skip(1).Select(c => $"{c} = ${c}"))} WHERE id = $id";
        Bind(command, record);
        if (command.ExecuteNonQuery() == 0)
            throw new KeyNotFoundException(record.Id);
        return record;
    }

    public void Delete(string id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM workspaces WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }

    /// <summary>Finds a workspace by id or slug.</summary>
    public WorkspaceRecord? Find(string idOrSlug) =>
        Query("WHERE id = $key OR slug = $key LIMIT 1", ("$key", idOrSlug)).FirstOrDefault();

    public WorkspaceRecord? FindByIdempotencyKey(string owner, string key) =>
        Query("WHERE owner_key = $owner AND idempotency_key = $key", ("$owner", owner), ("$key", key)).FirstOrDefault();

    public WorkspaceRecord? FindByRawToken(string token) =>
        Query("WHERE runtime_raw_token = $token", ("$token", token)).FirstOrDefault();

    public bool SlugExists(string slug) => Query("WHERE slug = $slug", ("$slug", slug)).Count > 0;

    public IReadOnlyList<WorkspaceRecord> All() => Query("ORDER BY created_at");

    public (IReadOnlyList<WorkspaceRecord> Page, int Total) List(string? status, string? mode, int page, int limit)
    {
        var filter = "WHERE ($status IS NULL OR status = $status) AND ($mode IS NULL OR mode = $mode)";
        using var connection = database.Open();
        using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM workspaces {filter}";
        count.Parameters.AddWithValue("$status", (object?)status ?? DBNull.Value);
        count.Parameters.AddWithValue("$mode", (object?)mode ?? DBNull.Value);
        var total = Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        var items = Query($"{filter} ORDER BY created_at DESC, id LIMIT $limit OFFSET $offset",
            ("$status", status), ("$mode", mode), ("$limit", limit), ("$offset", (page - 1) * limit));
        return (items, total);
    }

    private List<WorkspaceRecord> Query(string where, params (string Name, object? Value)[] parameters)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM workspaces {where}";
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var records = new List<WorkspaceRecord>();
        while (reader.Read())
            records.Add(Read(reader));
        return records;
    }

    private static WorkspaceRecord Read(SqliteDataReader r)
    {
        string? S(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));
        int? I(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetInt32(r.GetOrdinal(column));
        DateTimeOffset? T(string column) => S(column) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;
        return new WorkspaceRecord
        {
            Id = S("id")!,
            Name = S("name")!,
            Slug = S("slug")!,
            Namespace = S("namespace")!,
            Image = S("image")!,
            Mode = S("mode")!,
            Status = S("status")!,
            StatusReason = S("status_reason"),
            UserRequestedStop = I("user_requested_stop") == 1,
            ProvisioningState = S("provisioning_state")!,
            ProvisioningPhase = S("provisioning_phase")!,
            ProvisioningMessage = S("provisioning_message"),
            ErrorCode = S("error_code"),
            ErrorMessage = S("error_message"),
            Cpus = I("cpus")!.Value,
            MemoryMb = I("memory_mb")!.Value,
            DiskSizeMb = I("disk_size_mb")!.Value,
            PendingDiskSizeMb = I("pending_disk_size_mb"),
            Config = JsonSerializer.Deserialize(S("config_json")!, HearthJsonContext.Default.WorkspaceConfig)!,
            Metadata = JsonSerializer.Deserialize(S("metadata_json")!, HearthJsonContext.Default.DictionaryStringString)!,
            Ttl = S("ttl"),
            TtlSeconds = I("ttl_seconds"),
            TtlAction = S("ttl_action"),
            RemoveOnExit = I("remove_on_exit") == 1,
            RestartPolicy = S("restart_policy"),
            UidSlot = I("uid_slot")!.Value,
            OwnerKey = S("owner_key")!,
            IdempotencyKey = S("idempotency_key"),
            InternalIp = S("internal_ip"),
            CreatedAt = T("created_at")!.Value,
            UpdatedAt = T("updated_at")!.Value,
            CompletedAt = T("completed_at"),
            StartedAt = T("started_at"),
            RuntimeApiEnabled = I("runtime_api_enabled") == 1,
            RuntimeRawToken = S("runtime_raw_token"),
            RuntimeTokenGeneration = I("runtime_token_generation") ?? 0,
            ImagePin = S("image_pin_json") is { } pin ? JsonSerializer.Deserialize<ImagePin>(pin, LayerStore.Json) : null,
        };
    }

    private static void Bind(SqliteCommand command, WorkspaceRecord w)
    {
        var values = new Dictionary<string, object?>
        {
            ["id"] = w.Id,
            ["name"] = w.Name,
            ["slug"] = w.Slug,
            ["namespace"] = w.Namespace,
            ["image"] = w.Image,
            ["mode"] = w.Mode,
            ["status"] = w.Status,
            ["status_reason"] = w.StatusReason,
            ["user_requested_stop"] = w.UserRequestedStop ? 1 : 0,
            ["provisioning_state"] = w.ProvisioningState,
            ["provisioning_phase"] = w.ProvisioningPhase,
            ["provisioning_message"] = w.ProvisioningMessage,
            ["error_code"] = w.ErrorCode,
            ["error_message"] = w.ErrorMessage,
            ["cpus"] = w.Cpus,
            ["memory_mb"] = w.MemoryMb,
            ["disk_size_mb"] = w.DiskSizeMb,
            ["pending_disk_size_mb"] = w.PendingDiskSizeMb,
            ["config_json"] = JsonSerializer.Serialize(w.Config, HearthJsonContext.Default.WorkspaceConfig),
            ["metadata_json"] = JsonSerializer.Serialize(new Dictionary<string, string>(w.Metadata), HearthJsonContext.Default.DictionaryStringString),
            ["ttl"] = w.Ttl,
            ["ttl_seconds"] = w.TtlSeconds,
            ["ttl_action"] = w.TtlAction,
            ["remove_on_exit"] = w.RemoveOnExit ? 1 : 0,
            ["restart_policy"] = w.RestartPolicy,
            ["uid_slot"] = w.UidSlot,
            ["owner_key"] = w.OwnerKey,
            ["idempotency_key"] = w.IdempotencyKey,
            ["internal_ip"] = w.InternalIp,
            ["created_at"] = Time(w.CreatedAt),
            ["updated_at"] = Time(w.UpdatedAt),
            ["completed_at"] = Time(w.CompletedAt),
            ["started_at"] = Time(w.StartedAt),
            ["runtime_api_enabled"] = w.RuntimeApiEnabled ? 1 : 0,
            ["runtime_raw_token"] = w.RuntimeRawToken,
            ["runtime_token_generation"] = w.RuntimeTokenGeneration,
            ["image_pin_json"] = w.ImagePin is { } pin ? JsonSerializer.Serialize(pin, LayerStore.Json) : null,
        };
        foreach (var (name, value) in values)
            command.Parameters.AddWithValue("$" + name, value ?? DBNull.Value);
    }

    private static string? Time(DateTimeOffset? value) => value?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
