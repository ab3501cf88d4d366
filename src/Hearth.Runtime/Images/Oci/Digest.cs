using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// Content digests as the image spec writes them, <c>sha256:&lt;64 lowercase hex&gt;</c>
/// (image-spec descriptor.md, "Digests"). Only sha256 is accepted: it is what registries and
/// <c>docker save</c> produce, and a digest is validated before it ever becomes a file name.
/// </summary>
internal static partial class Digest
{
    public const string Sha256Prefix = "sha256:";

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex Sha256Pattern();

    public static bool IsValid(string? digest) => digest is not null && Sha256Pattern().IsMatch(digest);

    /// <summary>The 64 hex characters of a valid digest; <paramref name="errorCode"/> otherwise.</summary>
    public static string Hex(string? digest, string errorCode, string what) =>
        IsValid(digest) ? digest![Sha256Prefix.Length..] : throw new RuntimeException(errorCode, $"{what}: '{digest}' is not a sha256 digest");

    public static string Of(ReadOnlySpan<byte> content) => Sha256Prefix + Convert.ToHexStringLower(SHA256.HashData(content));

    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Sha256Prefix + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Short(string digest) => digest.Length > 19 ? digest[..19] : digest;
}
