using System.Runtime.CompilerServices;
using System.Text.Json;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Workloads;
using Hearth.Runtime.Agent;
using Hearth.Server.RuntimeApi;
using Hearth.Server.RuntimeApi.Files;

namespace Hearth.Server.Workloads;

/// <summary>
/// Reads a log through the agent's <c>logs.read</c>: an <c>event start</c> with the cursor its
/// data begins at, data frames of whole stored lines, <c>event gap|cleared</c> where the history
/// jumps, and (without follow) a <c>result</c> with the cursor the next read starts at.
/// </summary>
internal static class LogReader
{
    /// <summary>The most a read without follow returns (the newest lines when there are more).</summary>
    public const long MaxBytes = 8L * 1024 * 1024;

    /// <summary>Agent items (the agent's data frames are at most 64 KiB) in one batch.</summary>
    private const int MaxItemsPerBatch = 32;

    /// <summary>
    /// Lines in one batch, checked between items: a workspace controls what its agent sends (a
    /// frame of 1 MiB of newlines is a million lines), so a batch must not grow with it.
    /// </summary>
    private const int MaxLinesPerBatch = 4096;

    /// <summary>A read to its end, on a connection of its own: its lines, and the cursor where the next read starts.</summary>
    public static async Task<(List<LogEntry> Entries, long Cursor)> ReadAsync(AgentPool agents, string workspace, LogArgs args,
        CancellationToken cancellationToken)
    {
        await using var call = await DedicatedCall.StartAsync(agents, workspace, "logs.read",
            WorkloadAgent.Serialize(args with { Follow = false, MaxBytes = args.MaxBytes ?? MaxBytes }), cancellationToken);
        var parser = new LogLineParser();
        var entries = new List<LogEntry>();
        // The agent stops at its limit; hearthd does not rely on it (the workspace owns the agent):
        // past the limit and one line more, the read is abandoned (disposing the call ends it).
        var limit = (args.MaxBytes ?? MaxBytes) + LogLineParser.MaxLineBytes;
        long consumed = 0;
        await foreach (var batch in BatchesAsync(call.Call, parser, cancellationToken))
        {
            foreach (var line in batch.OfType<LogLine>())
            {
                entries.Add(line.Entry);
                consumed += line.Next - line.Entry.Cursor;
            }
            if (consumed > limit) return (entries, parser.Cursor);
        }
        var result = await call.Call.Result.WaitAsync(cancellationToken);
        var cursor = result.ValueKind == JsonValueKind.Object
            ? result.Deserialize(AgentWorkloadJsonContext.Default.LogReadResult)?.Cursor ?? parser.Cursor
            : parser.Cursor;
        return (entries, cursor);
    }

    /// <summary>
    /// The call's lines and marks, one batch per burst: everything the agent has sent by the
    /// time the consumer asks (at least one frame), so a consumer that flushes per batch flushes
    /// once per frame when the log is quiet and less often than that when it is busy. Ends with
    /// the call; throws its error.
    /// </summary>
    public static async IAsyncEnumerable<List<LogItem>> BatchesAsync(AgentCall call, LogLineParser parser,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = call.Items;
        while (await items.WaitToReadAsync(cancellationToken))
        {
            var batch = new List<LogItem>();
            // Bounded, so a log written faster than it is read still gets flushed along the way.
            for (var taken = 0; taken < MaxItemsPerBatch && batch.Count < MaxLinesPerBatch && items.TryRead(out var item); taken++)
            {
                if (item.Event is { } value) Apply(value, parser, batch);
                else parser.Feed(item.Data.Span, batch);
            }
            if (batch.Count > 0) yield return batch;
        }
    }

    private static void Apply(JsonElement value, LogLineParser parser, List<LogItem> batch)
    {
        if (value.Deserialize(AgentWorkloadJsonContext.Default.LogEvent) is not { } e) return;
        parser.Restart(e.Cursor);
        if (e.Type is "gap" or "cleared") batch.Add(new LogMark(e.Type, e.Cursor));
    }
}
