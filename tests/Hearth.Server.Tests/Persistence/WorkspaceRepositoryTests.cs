using Hearth.Protocol.Workspaces;
using Hearth.Server.Persistence;
using Hearth.Server.Workspaces;
using Microsoft.Data.Sqlite;

namespace Hearth.Server.Tests.Persistence;

/// <summary>The store against a real SQLite file in a temp folder.</summary>
public sealed class WorkspaceRepositoryTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly TempDirectory temp = new();
    private readonly WorkspaceRepository repository;
    private int created;

    public WorkspaceRepositoryTests()
    {
        repository = new WorkspaceRepository(new Database(Path.Combine(temp.Path, "hearth.db")));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    private WorkspaceRecord Insert(string? id = null, string status = WorkspaceStatus.Running, string mode = WorkspaceMode.Permanent,
        string owner = "hk_owner", string? idempotencyKey = null)
    {
        var n = ++created;
        id ??= $"ws_test{n:D6}";
        return repository.Insert((slot, address) => new WorkspaceRecord
        {
            Id = id,
            Name = "workspace " + n,
            Slug = "slug-" + id[3..],
            Namespace = "default",
            Image = "busybox",
            Mode = mode,
            Status = status,
            ProvisioningState = ProvisioningValues.StateReady,
            ProvisioningPhase = ProvisioningValues.PhaseCreated,
            Cpus = 1,
            MemoryMb = 512,
            DiskSizeMb = 1024,
            Config = new WorkspaceConfig { Cpus = 1 },
            UidSlot = slot,
            InternalIp = address,
            OwnerKey = owner,
            IdempotencyKey = idempotencyKey,
            CreatedAt = T0.AddSeconds(n),
            UpdatedAt = T0.AddSeconds(n),
        }, int.MaxValue, Pick);
    }

    private static string? Pick(IReadOnlySet<string> used) =>
        Hearth.Server.Network.AddressPool.Next(System.Net.IPNetwork.Parse("10.88.0.0/29"), used)?.ToString();

    [Fact]
    public void Addresses_are_the_lowest_free_ones_after_the_gateway_and_run_out_at_the_broadcast()
    {
        var a = Insert();
        var b = Insert();
        Assert.Equal("10.88.0.2 10.88.0.3", $"{a.InternalIp} {b.InternalIp}");
        repository.Delete(a.Id);
        Assert.Equal("10.88.0.2", Insert().InternalIp);
        Assert.Equal("10.88.0.4 10.88.0.5 10.88.0.6", $"{Insert().InternalIp} {Insert().InternalIp} {Insert().InternalIp}");
        Assert.Null(Insert().InternalIp); // 10.88.0.7 is the broadcast address of the /29
    }

    [Fact]
    public void Slots_are_handed_out_from_0_and_the_lowest_gap_is_filled_first()
    {
        var a = Insert();
        var b = Insert();
        var c = Insert();
        Assert.Equal([0, 1, 2], new[] { a.UidSlot, b.UidSlot, c.UidSlot });

        repository.Delete(b.Id);
        Assert.Equal(1, Insert().UidSlot);
        Assert.Equal(3, Insert().UidSlot);

        repository.Delete(a.Id);
        repository.Delete(c.Id);
        Assert.Equal(0, Insert().UidSlot);
        Assert.Equal(2, Insert().UidSlot);
        Assert.Equal(4, Insert().UidSlot);
    }

    [Fact]
    public void Insert_refuses_a_workspace_beyond_the_limit_and_stores_nothing()
    {
        var first = Insert();
        var refused = Assert.Throws<WorkspaceLimitReachedException>(() =>
            repository.Insert((slot, _) => first with { Id = "ws_limit000001", Slug = "limit", UidSlot = slot }, maxWorkspaces: 1, Pick));
        Assert.Contains("at most 1 workspaces", refused.Message, StringComparison.Ordinal);
        Assert.Single(repository.All());
    }

    [Fact]
    public void Stored_slots_are_unique_even_for_a_caller_that_ignores_the_one_offered()
    {
        var first = Insert();

        var clash = Assert.Throws<SqliteException>(() => repository.Insert((_, _) => first with { Id = "ws_other00001", Slug = "other-slug", InternalIp = null }, int.MaxValue, Pick));

        Assert.Equal(19, clash.SqliteErrorCode); // SQLITE_CONSTRAINT
    }

    [Fact]
    public void A_record_reads_back_as_written()
    {
        var record = Insert() with
        {
            StatusReason = "why",
            UserRequestedStop = true,
            PendingDiskSizeMb = 2048,
            Ttl = "30m",
            TtlSeconds = 1800,
            TtlAction = "stop",
            RemoveOnExit = true,
            RestartPolicy = "always",
            Metadata = new Dictionary<string, string> { ["team"] = "a" },
            Config = new WorkspaceConfig
            {
                Cpus = 2,
                Env = new Dictionary<string, string> { ["A"] = "1" },
                Cmd = ["/bin/sh", "-c", "true"],
                Extra = new() { ["gpu"] = System.Text.Json.JsonDocument.Parse("""{"count":0}""").RootElement.Clone() },
            },
            StartedAt = T0.AddHours(1),
        };

        var updated = repository.Update(record);
        var read = repository.Find(record.Id)!;

        Assert.True(updated.UpdatedAt > record.UpdatedAt);
        Assert.Equal(("why", true, 2048, "30m", 1800, "stop", true, "always"),
            (read.StatusReason, read.UserRequestedStop, read.PendingDiskSizeMb, read.Ttl, read.TtlSeconds, read.TtlAction, read.RemoveOnExit, read.RestartPolicy));
        Assert.Equal("a", read.Metadata["team"]);
        Assert.Equal(["/bin/sh", "-c", "true"], read.Config.Cmd);
        Assert.Equal("1", read.Config.Env!["A"]);
        Assert.Equal(0, read.Config.Extra!["gpu"].GetProperty("count").GetInt32());
        Assert.Equal(T0.AddHours(1), read.StartedAt);
        Assert.Equal(record.CreatedAt, read.CreatedAt);
        Assert.Equal(record.UidSlot, read.UidSlot);
    }

    [Fact]
    public void Find_takes_an_id_or_a_slug()
    {
        var record = Insert();

        Assert.Equal(record.Id, repository.Find(record.Id)?.Id);
        Assert.Equal(record.Id, repository.Find(record.Slug)?.Id);
        Assert.Null(repository.Find("ws_missing0001"));
        Assert.True(repository.SlugExists(record.Slug));
        Assert.False(repository.SlugExists("nope"));
    }

    [Fact]
    public void An_idempotency_key_is_looked_up_per_owner_and_unique_per_owner()
    {
        var mine = Insert(owner: "hk_a", idempotencyKey: "k1");
        Insert(owner: "hk_b", idempotencyKey: "k1"); // another owner may reuse the key
        Insert(owner: "hk_a"); // no key: never matches
        Insert(owner: "hk_a");

        Assert.Equal(mine.Id, repository.FindByIdempotencyKey("hk_a", "k1")?.Id);
        Assert.NotEqual(mine.Id, repository.FindByIdempotencyKey("hk_b", "k1")?.Id);
        Assert.Null(repository.FindByIdempotencyKey("hk_a", "k2"));
        Assert.Null(repository.FindByIdempotencyKey("hk_c", "k1"));
        var twin = Assert.Throws<SqliteException>(() => Insert(owner: "hk_a", idempotencyKey: "k1"));
        Assert.Equal(19, twin.SqliteErrorCode);
    }

    [Fact]
    public void List_pages_newest_first_and_counts_every_match()
    {
        var ids = Enumerable.Range(0, 7).Select(i => Insert(
            status: i % 3 == 0 ? WorkspaceStatus.Stopped : WorkspaceStatus.Running,
            mode: i < 2 ? WorkspaceMode.Temporary : WorkspaceMode.Permanent).Id).ToList();
        var newestFirst = Enumerable.Reverse(ids).ToList();

        var (page1, total) = repository.List(null, null, 1, 3);
        var (page2, _) = repository.List(null, null, 2, 3);
        var (page3, _) = repository.List(null, null, 3, 3);
        var (page4, total4) = repository.List(null, null, 4, 3);

        Assert.Equal(7, total);
        Assert.Equal(newestFirst, page1.Concat(page2).Concat(page3).Select(w => w.Id));
        Assert.Single(page3);
        Assert.Empty(page4);
        Assert.Equal(7, total4);

        var (stopped, stoppedTotal) = repository.List(WorkspaceStatus.Stopped, null, 1, 10);
        Assert.Equal(3, stoppedTotal);
        Assert.Equal(new[] { ids[6], ids[3], ids[0] }, stopped.Select(w => w.Id));

        var (temporary, temporaryTotal) = repository.List(null, WorkspaceMode.Temporary, 1, 10);
        Assert.Equal(2, temporaryTotal);
        Assert.Equal(new[] { ids[1], ids[0] }, temporary.Select(w => w.Id));

        var (both, bothTotal) = repository.List(WorkspaceStatus.Stopped, WorkspaceMode.Temporary, 1, 10);
        Assert.Equal(1, bothTotal);
        Assert.Equal(ids[0], Assert.Single(both).Id);

        var (none, noneTotal) = repository.List("deleting", null, 1, 10);
        Assert.Empty(none);
        Assert.Equal(0, noneTotal);
    }

    [Fact]
    public void Update_of_a_missing_row_fails_and_delete_of_one_is_harmless()
    {
        var record = Insert();
        repository.Delete(record.Id);

        Assert.Throws<KeyNotFoundException>(() => repository.Update(record));
        repository.Delete(record.Id);
        Assert.Empty(repository.All());
    }

    [Fact]
    public void The_database_is_in_wal_mode_and_at_the_latest_schema()
    {
        Insert();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(temp.Path, "hearth.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "PRAGMA user_version";
        Assert.Equal((long)Migrations.Latest, command.ExecuteScalar());
    }

    [Fact]
    public void Reopening_the_file_keeps_the_rows()
    {
        var record = Insert();

        var again = new WorkspaceRepository(new Database(Path.Combine(temp.Path, "hearth.db")));

        Assert.Equal(record.Id, again.Find(record.Id)?.Id);
        Assert.Equal(1, again.Insert((slot, address) => record with { Id = "ws_second0001", Slug = "second", UidSlot = slot, InternalIp = address }, int.MaxValue, Pick).UidSlot);
    }
}
