using Microsoft.Data.Sqlite;

namespace Hearth.Server.Persistence;

/// <summary>
/// The SQLite store (<c>hearth.db</c>) in WAL mode: readers never wait for the writer, and a
/// committed transaction survives a crash of hearthd. synchronous=NORMAL is durable against
/// process crashes (WAL is fsynced at checkpoints); only a power cut may lose the last commits.
/// </summary>
internal sealed class Database
{
    private readonly string connectionString;

    public Database(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Migrations.Apply(connection);
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;");
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
