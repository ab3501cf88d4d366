using System.Globalization;
using Hearth.Protocol.Agent;
using Hearth.Server.RuntimeApi.Files;

namespace Hearth.Server.Workloads;

/// <summary>Where a log read starts, from the query: <c>since</c> (or the <c>Last-Event-ID</c> header of a resuming SSE client), else <c>tail</c> lines before the end.</summary>
internal static class LogQuery
{
    public const int MaxTail = 10_000;
    public const int DefaultTail = 100;

    /// <summary>
    /// <paramref name="log"/> with <c>tail</c> and <c>since</c> set from the request; the tail
    /// is read from <paramref name="tailNames"/> (the first one given), else it is
    /// <paramref name="defaultTail"/>, and without that the read starts at the log's beginning.
    /// </summary>
    public static LogArgs Read(HttpRequest request, LogArgs log, int? defaultTail, params string[] tailNames)
    {
        var query = new QueryReader(request.Query);
        var tailName = tailNames.FirstOrDefault(n => query.String(n) is not null) ?? tailNames[0];
        var tail = (int?)query.Integer(tailName, 0, MaxTail) ?? defaultTail;
        var since = query.Integer("since", 0, long.MaxValue);
        if (since is null && request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastEventId)
        {
            if (long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var resume)) since = resume;
            else query.Add("Last-Event-ID", $"must be a cursor (an event's id), not '{lastEventId}'");
        }
        query.ThrowIfInvalid();
        if (since is null && tail is null) since = 0;
        return log with { Tail = since is null ? tail : null, Since = since };
    }
}
