using System.Globalization;
using Hearth.Server.Auth;

namespace Hearth.Server.Persistence;

internal sealed class ApiKeyRepository(Database database)
{
    public void Insert(ApiKey key)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO api_keys (client_id, secret_hash, salt, iterations, scope, label, created_at) " +
            "VALUES ($id, $hash, $salt, $iterations, $scope, $label, $created)";
        command.Parameters.AddWithValue("$id", key.ClientId);
        command.Parameters.AddWithValue("$hash", key.SecretHash);
        command.Parameters.AddWithValue("$salt", key.Salt);
        command.Parameters.AddWithValue("$iterations", key.Iterations);
        command.Parameters.AddWithValue("$scope", key.Scope);
        command.Parameters.AddWithValue("$label", (object?)key.Label ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", key.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    public ApiKey? Find(string clientId)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT client_id, secret_hash, salt, iterations, scope, label, created_at FROM api_keys WHERE client_id = $id";
        command.Parameters.AddWithValue("$id", clientId);
        using var r = command.ExecuteReader();
        if (!r.Read()) return null;
        return new ApiKey(r.GetString(0), (byte[])r[1], (byte[])r[2], r.GetInt32(3), r.GetString(4),
            r.IsDBNull(5) ? null : r.GetString(5), DateTimeOffset.Parse(r.GetString(6), CultureInfo.InvariantCulture));
    }

    public int Count()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM api_keys";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
