using System.Text.Json;
using Hearth.Agent.Server.Operations;
using Hearth.Agent.Workloads;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Logs;

/// <summary>
/// The <c>logs.*</c> operations on one log, a workload's or the workspace's boot or cmd log
/// (docs/design/workloads.md, "Reading without losing a line").
/// </summary>
internal static class LogOperations
{
    /// <summary>What one read sends at most without follow, unless the request says less.</summary>
    private const long DefaultMaxBytes = 8 * 1024 * 1024;

    /// <summary>How often a waiting follower looks at its cancellation (a write wakes it at once).</summary>
    private static readonly TimeSpan FollowWake = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// <c>event start</c> with the cursor the data begins at, then the bytes from there to the
    /// end; with follow, every byte written later as it is written, until cancelled.
    /// </summary>
    public static JsonElement? Read(OperationContext context)
    {
        var args = Args(context);
        var log = Find(context, args);
        var follow = args.Follow == true;
        var maxBytes = follow ? long.MaxValue : Math.Clamp(args.MaxBytes ?? DefaultMaxBytes, 1, DefaultMaxBytes);
        if (args.Tail is < 0) throw new OperationException("bad_request", "tail: must not be negative");

        // Without follow the read ends where the log ended when it began: a workload writing
        // without pause cannot make it endless, nor larger than max_bytes.
        var end = log.NextCursor;
        var stale = args.Since > end;
        var start = args.Since is { } since
            ? (stale ? log.Status().FirstCursor : follow ? since : Math.Max(since, log.StartBefore(int.MaxValue, maxBytes, since)))
            : log.StartBefore(args.Tail ?? 0, maxBytes, 0);
        using var reader = log.OpenReader(start);
        Event(context, "start", reader.Cursor);
        // A cursor past the end is from another log of this name (deleted and made again) or from
        // before a restore: everything here is new to its reader, from the first line kept.
        if (stale) Event(context, "cleared", reader.Cursor);

        var buffer = new byte[OperationContext.ChunkSize];
        while (follow || reader.Cursor < end)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var want = follow ? buffer.Length : (int)Math.Min(buffer.Length, end - reader.Cursor);
            var count = reader.Read(buffer.AsSpan(0, want), out var notice);
            if (notice is not null)
            {
                Event(context, notice, reader.Cursor);
                continue;
            }

            if (count > 0)
            {
                context.SendData(buffer.AsSpan(0, count));
                continue;
            }

            if (!follow || reader.IsClosed) break;
            // Nothing to read: wait for a write. Should the log have lost its segments (a disk
            // that refused a rotation), the reader sees nothing while the end is ahead of it, and
            // the wait returns at once: sleep then, rather than spin in PID 1.
            if (reader.AtEnd) reader.Wait(FollowWake);
            else Thread.Sleep(FollowWake);
        }

        return OperationContext.Result(new LogReadResult { Cursor = reader.Cursor }, AgentWorkloadJsonContext.Default.LogReadResult);
    }

    public static JsonElement? Clear(OperationContext context)
    {
        var log = Find(context, Args(context));
        return OperationContext.Result(new LogReadResult { Cursor = log.Clear() }, AgentWorkloadJsonContext.Default.LogReadResult);
    }

    public static JsonElement? Config(OperationContext context)
    {
        var log = Find(context, Args(context));
        var status = log.Status();
        return OperationContext.Result(new LogConfig
        {
            MaxLogSizeMb = (int)(status.MaxBytes / (1024 * 1024)),
            LogRetentionHours = (int)status.Retention.TotalHours,
            StoredBytes = status.StoredBytes,
            DroppedLines = status.DroppedLines,
            FirstCursor = status.FirstCursor,
            NextCursor = status.NextCursor,
            Path = log.Directory,
            ModifiedAt = status.LastWrite is { } lastWrite ? new DateTimeOffset(lastWrite, TimeSpan.Zero) : null,
        }, AgentWorkloadJsonContext.Default.LogConfig);
    }

    private static LogArgs Args(OperationContext context) => context.Args(AgentWorkloadJsonContext.Default.LogArgs);

    private static SegmentedLog Find(OperationContext context, LogArgs args)
    {
        var workloads = WorkloadOperations.Manager(context);
        if (args.Workload is { Length: > 0 } reference) return workloads.LogOf(reference);
        return args.Source switch
        {
            LogSources.Boot => workloads.BootLog,
            LogSources.Cmd => workloads.CmdLog,
            _ => throw new OperationException("bad_request", $"source: one of {string.Join(", ", LogSources.All)}, or a workload"),
        };
    }

    private static void Event(OperationContext context, string type, long cursor) =>
        context.SendEvent(new LogEvent { Type = type, Cursor = cursor }, AgentWorkloadJsonContext.Default.LogEvent);
}
