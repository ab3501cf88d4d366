using Microsoft.Data.Sqlite;

namespace Hearth.Server.Persistence;

/// <summary>
/// Versioned schema changes, applied in order inside one transaction each; the version lives in
/// <c>PRAGMA user_version</c>. Never edit a shipped step: add the next one.
/// </summary>
internal static class Migrations
{
    private static readonly string[] Steps =
    [
        // 1: API keys and workspaces.
        """
        CREATE TABLE api_keys (
            client_id     TEXT PRIMARY KEY,
            secret_hash   BLOB NOT NULL,
            salt          BLOB NOT NULL,
            iterations    INTEGER NOT NULL,
            scope         TEXT NOT NULL,
            label         TEXT,
            created_at    TEXT NOT NULL
        );
        CREATE TABLE workspaces (
            id                  TEXT PRIMARY KEY,
            name                TEXT NOT NULL,
            slug                TEXT NOT NULL UNIQUE,
            namespace           TEXT NOT NULL,
            image               TEXT NOT NULL,
            mode                TEXT NOT NULL,
            status              TEXT NOT NULL,
            status_reason       TEXT,
            user_requested_stop INTEGER NOT NULL DEFAULT 0,
            provisioning_state  TEXT NOT NULL,
            provisioning_phase  TEXT NOT NULL,
            provisioning_message TEXT,
            error_code          TEXT,
            error_message       TEXT,
            cpus                INTEGER NOT NULL,
            memory_mb           INTEGER NOT NULL,
            disk_size_mb        INTEGER NOT NULL,
            pending_disk_size_mb INTEGER,
            config_json         TEXT NOT NULL,
            metadata_json       TEXT NOT NULL DEFAULT '{}',
            ttl                 TEXT,
            ttl_seconds         INTEGER,
            ttl_action          TEXT,
            remove_on_exit      INTEGER NOT NULL DEFAULT 0,
            restart_policy      TEXT,
            uid_slot            INTEGER NOT NULL UNIQUE,
            owner_key           TEXT NOT NULL,
            idempotency_key     TEXT,
            internal_ip         TEXT,
            created_at          TEXT NOT NULL,
            updated_at          TEXT NOT NULL,
            completed_at        TEXT,
            started_at          TEXT
        );
        CREATE UNIQUE INDEX workspaces_idempotency ON workspaces(owner_key, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX workspaces_status ON workspaces(status);
        """,
        // 2: runtime API access (gateway tokens carry the generation; rotating bumps it).
        """
        ALTER TABLE workspaces ADD COLUMN runtime_api_enabled INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE workspaces ADD COLUMN runtime_raw_token TEXT;
        ALTER TABLE workspaces ADD COLUMN runtime_token_generation INTEGER NOT NULL DEFAULT 0;
        """,
        // 3: the gateway looks raw tokens up on every request.
        """
        CREATE UNIQUE INDEX workspaces_runtime_raw_token ON workspaces(runtime_raw_token) WHERE runtime_raw_token IS NOT NULL;
        """,
        // 4: one address per workspace (issue 4); the firewall and the DNS resolver look them up.
        """
        CREATE UNIQUE INDEX workspaces_internal_ip ON workspaces(internal_ip) WHERE internal_ip IS NOT NULL;
        """,
        // 5: layered images (issue 5); a workspace keeps the layers it was made from.
        """
        ALTER TABLE workspaces ADD COLUMN image_pin_json TEXT;
        """,
    ];

    public static int Latest => Steps.Length;

    public static void Apply(SqliteConnection connection)
    {
        var version = CurrentVersion(connection);
        if (version > Steps.Length)
            throw new InvalidOperationException($"hearth.db has schema version {version}, newer than this hearthd ({Steps.Length}); upgrade hearthd");
        for (var step = version; step < Steps.Length; step++)
        {
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Steps[step] + $"\nPRAGMA user_version = {step + 1};";
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private static int CurrentVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
