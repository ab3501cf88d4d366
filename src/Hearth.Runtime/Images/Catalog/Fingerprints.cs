using System.Security.Cryptography;
using System.Text;

namespace Hearth.Runtime.Images.Catalog;

/// <summary>A recipe's fingerprint: the SHA-256 of the parts that determine its layer, in order.</summary>
internal static class Fingerprints
{
    public static string Of(params IEnumerable<string> parts)
    {
        // Each part is length-prefixed so ("ab","c") and ("a","bc") differ.
        var text = new StringBuilder();
        foreach (var part in parts) text.Append(part.Length).Append(':').Append(part).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
