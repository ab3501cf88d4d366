using System.Security.Cryptography;

namespace Hearth.Server.Auth;

/// <summary>
/// Client secrets are stored as PBKDF2-HMAC-SHA256 (OWASP's 2023 figure: 600,000 iterations),
/// never in clear; a leaked database does not hand out working keys.
/// </summary>
internal static class SecretHasher
{
    public const int DefaultIterations = 600_000;
    private const int HashBytes = 32;

    public static (byte[] Hash, byte[] Salt) Hash(string secret, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return (Derive(secret, salt, iterations), salt);
    }

    public static bool Verify(string secret, byte[] hash, byte[] salt, int iterations) =>
        CryptographicOperations.FixedTimeEquals(Derive(secret, salt, iterations), hash);

    private static byte[] Derive(string secret, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(secret, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
