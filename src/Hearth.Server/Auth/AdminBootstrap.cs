using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.Server.Persistence;

namespace Hearth.Server.Auth;

/// <summary>
/// The first start of a data directory creates one admin key, prints it once and writes it to
/// <c>DATA_DIR/admin-credentials.json</c> (mode 0600) for automation. Later starts do nothing.
/// </summary>
internal static class AdminBootstrap
{
    public static (string ClientId, string ClientSecret)? EnsureAdminKey(ApiKeyRepository keys, string dataDir, string apiUrl)
    {
        if (keys.Count() > 0) return null;
        var clientId = "hk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var clientSecret = "hs_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var (hash, salt) = SecretHasher.Hash(clientSecret);
        keys.Insert(new ApiKey(clientId, hash, salt, SecretHasher.DefaultIterations, ApiKeyScopes.Admin, "admin (first start)", DateTimeOffset.UtcNow));

        var path = Path.Combine(dataDir, "admin-credentials.json");
        var json = new JsonObject { ["client_id"] = clientId, ["client_secret"] = clientSecret, ["api_url"] = apiUrl }
            .ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        // Create with 0600 from the start: the secret is never readable by others, not even briefly.
        using (var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(file))
            writer.Write(json + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (clientId, clientSecret);
    }
}
