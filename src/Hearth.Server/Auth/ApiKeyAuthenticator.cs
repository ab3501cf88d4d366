using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Hearth.Server.Persistence;

namespace Hearth.Server.Auth;

/// <summary>
/// Checks <c>X-Client-ID</c>/<c>X-Client-Secret</c>. The slow KDF runs once per key and secret:
/// afterwards a SHA-256 of the verified secret is remembered in memory, so a busy client does
/// not pay 600,000 PBKDF2 rounds per request, while a wrong secret always pays them.
/// </summary>
internal sealed class ApiKeyAuthenticator(ApiKeyRepository keys)
{
    private readonly ConcurrentDictionary<string, (byte[] SecretDigest, ApiKey Key)> verified = new();

    public ApiKey? Authenticate(string? clientId, string? clientSecret)
    {
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(clientSecret) || clientId.Length > 128 || clientSecret.Length > 256)
            return null;
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(clientSecret));
        if (verified.TryGetValue(clientId, out var known) && CryptographicOperations.FixedTimeEquals(known.SecretDigest, digest))
            return known.Key;

        var key = keys.Find(clientId);
        if (key is null || !SecretHasher.Verify(clientSecret, key.SecretHash, key.Salt, key.Iterations))
            return null;
        verified[clientId] = (digest, key);
        return key;
    }
}
