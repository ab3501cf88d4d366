using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hearth.Sdk.Internal;

/// <summary>
/// The stats streams (a workload's, every workload's, the workspace's): each event's <c>data</c>
/// is <c>{type: "stats", ...figures}</c> (docs/design/workloads.md). Oblien's gateways also wrap
/// them as <c>{type: "stats", stats|data: [...]}</c>, one element per workload; both are read.
/// </summary>
internal static class StatsStream
{
    public static async IAsyncEnumerable<T> ReadAsync<T>(
        HearthConnection connection,
        string relativePath,
        JsonTypeInfo<T> type,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in ServerSentEvents.OpenAsync(connection, relativePath, cancellationToken).ConfigureAwait(false))
        {
            foreach (var stats in Parse(item, type))
            {
                yield return stats;
            }
        }
    }

    /// <summary>The figures one event carries: none for an empty event, <c>[DONE]</c>, or an event of another <c>type</c>.</summary>
    public static IReadOnlyList<T> Parse<T>(SseItem<string> item, JsonTypeInfo<T> type)
    {
        ServerSentEvents.ThrowIfError(item);
        var data = item.Data.Trim();
        if (data.Length == 0 || data == "[DONE]")
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() != "stats")
            {
                return [];
            }

            var body = root.ValueKind == JsonValueKind.Object && Wrapped(root) is { } inner ? inner : root;
            var elements = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : [body];
            return elements.Select(e => e.Deserialize(type) ?? throw ServerSentEvents.Invalid("a stats event was null", null)).ToList();
        }
        catch (JsonException ex)
        {
            throw ServerSentEvents.Invalid("a stats event is not the expected object", ex);
        }
    }

    private static JsonElement? Wrapped(JsonElement root)
    {
        foreach (var name in (ReadOnlySpan<string>)["stats", "data"])
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The <c>stats</c> member of a <c>{success, stats}</c> answer.</summary>
    public static T Unwrap<T>(JsonElement answer, JsonTypeInfo<T> type)
    {
        try
        {
            if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("stats", out var stats) && stats.Deserialize(type) is { } value)
            {
                return value;
            }
        }
        catch (JsonException ex)
        {
            throw new HearthApiException("The server's stats are not the expected JSON.", System.Net.HttpStatusCode.OK, HearthApiException.InvalidResponseCode, innerException: ex);
        }

        throw new HearthApiException("The server's answer carries no stats.", System.Net.HttpStatusCode.OK, HearthApiException.InvalidResponseCode);
    }
}
