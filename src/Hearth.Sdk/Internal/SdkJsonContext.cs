using System.Text.Json.Serialization;

namespace Hearth.Sdk.Internal;

/// <summary>Source-generated JSON for the SDK's own files (the wire types live in <c>HearthJsonContext</c>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(CredentialsFile))]
internal sealed partial class SdkJsonContext : JsonSerializerContext
{
}
