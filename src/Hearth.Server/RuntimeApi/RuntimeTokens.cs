using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hearth.Server.RuntimeApi;

/// <summary>
/// Gateway tokens: <c>hrt_&lt;payload&gt;.&lt;mac&gt;</c>, base64url, the payload naming one
/// workspace, an expiry and the workspace's token generation, signed with HMAC-SHA256 under a
/// key kept in <c>DATA_DIR/keys/runtime-gateway.key</c> (0600). Rotating the workspace's token
/// bumps its generation, which voids every gateway token issued before.
/// </summary>
internal sealed class RuntimeTokens
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private const string Prefix = "hrt_";
    private readonly byte[] key;
    private readonly TimeProvider time;

    public RuntimeTokens(string dataDir, TimeProvider time)
    {
        this.time = time;
        var dir = Path.Combine(dataDir, "keys");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(dir, "runtime-gateway.key");
        if (!File.Exists(path))
        {
            using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            file.Write(RandomNumberGenerator.GetBytes(32));
        }
        key = File.ReadAllBytes(path);
    }

    public (string Token, DateTimeOffset ExpiresAt) Issue(string workspaceId, int generation)
    {
        var expires = time.GetUtcNow() + Lifetime;
        var payload = new JsonObject { ["w"] = workspaceId, ["e"] = expires.ToUnixTimeSeconds(), ["g"] = generation }.ToJsonString();
        var body = Base64Url(Encoding.UTF8.GetBytes(payload));
        return ($"{Prefix}{body}.{Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(body)))}", expires);
    }

    /// <summary>The workspace and generation a valid, unexpired token names; null for anything else.</summary>
    public (string WorkspaceId, int Generation)? Validate(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 1024) return null;
        var parts = token[Prefix.Length..].Split('.');
        if (parts.Length != 2) return null;
        try
        {
            var mac = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(parts[0]));
            if (!CryptographicOperations.FixedTimeEquals(mac, FromBase64Url(parts[1]))) return null;
            using var payload = JsonDocument.Parse(FromBase64Url(parts[0]));
            var root = payload.RootElement;
            if (DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("e").GetInt64()) <= time.GetUtcNow()) return null;
            return (root.GetProperty("w").GetString()!, root.GetProperty("g").GetInt32());
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public static string NewRawToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }
}
