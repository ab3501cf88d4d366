using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workloads;

namespace Hearth.Sdk.Internal;

/// <summary>
/// The log streams (a workload's <c>logs/stream</c>, the workspace's <c>logs/stream/boot|cmd</c>)
/// and "history, then stream". An event is <c>id: CURSOR-AFTER</c> and
/// <c>data: {line, stream, timestamp, cursor}</c>, or <c>data: {cleared|gap: true, cursor}</c>
/// (docs/design/workloads.md); the line's text may also come as <c>data</c> or <c>message</c>,
/// several lines as one JSON array, or plain text, as Oblien's servers send them.
/// </summary>
internal static class LogStream
{
    /// <summary>The stream at <paramref name="relativePath"/> (its query already set), item by item.</summary>
    public static async IAsyncEnumerable<WorkloadLogLine> ReadAsync(
        HearthConnection connection,
        string relativePath,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in ServerSentEvents.OpenAsync(connection, relativePath, cancellationToken).ConfigureAwait(false))
        {
            foreach (var line in Parse(item))
            {
                yield return line;
            }
        }
    }

    /// <summary>
    /// The history read from <paramref name="historyPath"/>, then the stream from the history's
    /// <c>cursor</c>: one byte sequence on the server, so no line falls between the two and none
    /// comes twice.
    /// </summary>
    public static async IAsyncEnumerable<WorkloadLogLine> FollowAsync(
        HearthConnection connection,
        string historyPath,
        string streamPath,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var history = await connection.SendAsync(HttpMethod.Get, historyPath, content: null, HearthJsonContext.Default.LogsResponse, cancellationToken)
            .ConfigureAwait(false);
        foreach (var line in FromHistory(history))
        {
            yield return line;
        }

        var stream = ApiPaths.Query(streamPath, ("since", history.Cursor));
        await foreach (var line in ReadAsync(connection, stream, cancellationToken).ConfigureAwait(false))
        {
            // A line that starts before the cursor was in the history: a server that starts the
            // stream earlier than asked must not print it twice.
            if (line.Kind == WorkloadLogLineKind.Line && line.Cursor < history.Cursor)
            {
                continue;
            }

            yield return line;
        }
    }

    /// <summary>A history read's entries as stream items, each with the cursor the next one starts at.</summary>
    public static IEnumerable<WorkloadLogLine> FromHistory(LogsResponse history)
    {
        var entries = history.Entries ?? [];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            yield return new WorkloadLogLine
            {
                Line = entry.Line,
                Stream = entry.Stream,
                Timestamp = entry.Timestamp,
                Cursor = entry.Cursor,
                NextCursor = i + 1 < entries.Count ? entries[i + 1].Cursor : history.Cursor,
            };
        }
    }

    /// <summary>The items of one SSE event; none for an empty event or <c>[DONE]</c>.</summary>
    public static IEnumerable<WorkloadLogLine> Parse(SseItem<string> item)
    {
        ServerSentEvents.ThrowIfError(item);
        var data = item.Data.Trim();
        if (data.Length == 0 || data == "[DONE]")
        {
            return [];
        }

        long? next = long.TryParse(item.EventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data);
        }
        catch (JsonException)
        {
            return [new WorkloadLogLine { Line = item.Data, NextCursor = next }];
        }

        using (document)
        {
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object:
                    return [FromObject(root, item.EventType, next)];
                case JsonValueKind.Array:
                    var lines = root.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
                        .Select(e => FromObject(e, item.EventType, nextCursor: null)).ToList();
                    if (lines.Count > 0)
                    {
                        // The event id is the cursor after the event's last line.
                        lines[^1] = lines[^1] with { NextCursor = next };
                    }

                    return lines;
                default:
                    // A bare JSON string or number: the text of one line.
                    return [new WorkloadLogLine { Line = root.ValueKind == JsonValueKind.String ? root.GetString()! : data, NextCursor = next }];
            }
        }
    }

    private static WorkloadLogLine FromObject(JsonElement e, string eventType, long? nextCursor)
    {
        var kind = eventType switch
        {
            "cleared" => WorkloadLogLineKind.Cleared,
            "gap" => WorkloadLogLineKind.Gap,
            _ when True(e, "cleared") => WorkloadLogLineKind.Cleared,
            _ when True(e, "gap") => WorkloadLogLineKind.Gap,
            _ => WorkloadLogLineKind.Line,
        };
        return new WorkloadLogLine
        {
            Kind = kind,
            Line = kind == WorkloadLogLineKind.Line ? String(e, "line") ?? String(e, "data") ?? String(e, "message") ?? "" : "",
            Stream = String(e, "stream"),
            Timestamp = DateTimeOffset.TryParse(String(e, "timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
            Cursor = e.TryGetProperty("cursor", out var cursor) && cursor.ValueKind == JsonValueKind.Number && cursor.TryGetInt64(out var value) ? value : null,
            NextCursor = nextCursor,
        };
    }

    private static bool True(JsonElement e, string name) => e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
