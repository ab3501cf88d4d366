using System.Text.Json.Serialization;

namespace Hearth.Protocol.Agent;

/// <summary>Source-generated JSON for the watch and search operations (snake_case, as <see cref="AgentJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WatchArgs))]
[JsonSerializable(typeof(WatchEvent))]
[JsonSerializable(typeof(ContentSearchArgs))]
[JsonSerializable(typeof(SearchHit))]
[JsonSerializable(typeof(SearchSummary))]
[JsonSerializable(typeof(FileSearchArgs))]
[JsonSerializable(typeof(SearchStatus))]
public sealed partial class AgentWatchSearchJsonContext : JsonSerializerContext
{
}
