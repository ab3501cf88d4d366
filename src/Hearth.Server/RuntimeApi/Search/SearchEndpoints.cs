using System.Text.Json;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Runtime;
using Hearth.Server.Api;

namespace Hearth.Server.RuntimeApi.Search;

/// <summary>
/// <c>/files/search</c> (content), <c>/files/search/files</c> (names) and
/// <c>/files/search/init</c> (which engine), answered by the workspace's agent
/// (docs/design/runtime-watchers-search.md).
/// </summary>
internal static class SearchEndpoints
{
    /// <summary>How long past the search's own timeout hearthd waits for the agent before giving up on it.</summary>
    private static readonly TimeSpan AgentGrace = TimeSpan.FromSeconds(15);

    public static void MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/files/search", async (HttpContext context, AgentPool agents) =>
        {
            var request = SearchRequests.Content(context.Request.Query);
            var args = JsonSerializer.SerializeToElement(request, AgentWatchSearchJsonContext.Default.ContentSearchArgs);
            var results = new Dictionary<string, List<SearchMatch>>(StringComparer.Ordinal);
            var matches = 0;
            var summary = await RunAsync(agents, context, "search.content", args, TimeSpan.FromSeconds(request.TimeoutSeconds), line =>
            {
                var hit = JsonSerializer.Deserialize(line, AgentWatchSearchJsonContext.Default.SearchHit)!;
                if (!results.TryGetValue(hit.File, out var lines)) results[hit.File] = lines = [];
                lines.Add(new SearchMatch { Line = hit.Line, Column = hit.Column, Text = hit.Text });
                if (hit.Column is not null) matches++;
            });
            return Reply.Json(new ContentSearchResponse
            {
                Query = request.Query,
                Path = summary.Path,
                Results = results.ToDictionary(r => r.Key, r => (IReadOnlyList<SearchMatch>)r.Value, StringComparer.Ordinal),
                TotalMatches = matches,
                TotalFiles = results.Count,
                Capped = summary.Capped,
                Engine = summary.Engine,
            });
        });

        app.MapGet("/files/search/files", async (HttpContext context, AgentPool agents) =>
        {
            var args = SearchRequests.Files(context.Request.Query);
            var files = new List<string>();
            var summary = await RunAsync(agents, context, "search.files",
                JsonSerializer.SerializeToElement(args, AgentWatchSearchJsonContext.Default.FileSearchArgs),
                TimeSpan.FromSeconds(SearchLimits.MaxTimeoutSeconds), line => files.Add(JsonDocument.Parse(line).RootElement.GetString()!));
            return Reply.Json(new FileSearchResponse { Query = args.Query, Path = summary.Path, Files = files, TotalFiles = files.Count });
        });

        // Nothing to install: ripgrep comes in the agent's bundle when the host has it, so
        // POST (Oblien's "download ripgrep") answers exactly as GET.
        app.MapMethods("/files/search/init", ["GET", "POST"], async (HttpContext context, AgentPool agents) =>
        {
            var result = await agents.CallAsync(GatewayAuthMiddleware.WorkspaceOf(context).Id, "search.status", null, context.RequestAborted);
            var status = result.Deserialize(AgentWatchSearchJsonContext.Default.SearchStatus)!;
            return Reply.Json(new SearchStatusResponse
            {
                Installed = status.Installed,
                Path = status.Path,
                Version = status.Version,
                Message = status.Message,
            });
        });
    }

    /// <summary>
    /// Runs a search operation, handing each NDJSON line of its data to <paramref name="onLine"/>,
    /// and returns its summary. The operation is cancelled if the client goes away or the agent
    /// overruns the search's timeout by <see cref="AgentGrace"/>.
    /// </summary>
    private static async Task<SearchSummary> RunAsync(AgentPool agents, HttpContext context, string op, JsonElement args,
        TimeSpan timeout, Action<string> onLine)
    {
        var workspaceId = GatewayAuthMiddleware.WorkspaceOf(context).Id;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        limit.CancelAfter(timeout + AgentGrace);
        var connection = await agents.GetAsync(workspaceId, limit.Token);
        var call = await connection.StartAsync(op, args, limit.Token);
        await using var cancel = limit.Token.Register(() => _ = call.CancelAsync(CancellationToken.None));
        try
        {
            // Given up early (client gone, overrun), disposing the data stream abandons the call
            // (cancel + drain), so the shared connection's reader never waits on a full channel.
            using var reader = new StreamReader(call.OpenData());
            while (await reader.ReadLineAsync(limit.Token) is { } line)
                if (line.Length > 0) onLine(line);
            var result = await call.Result.WaitAsync(limit.Token);
            return result.Deserialize(AgentWatchSearchJsonContext.Default.SearchSummary)!;
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            throw new ApiException(504, "timeout", $"the workspace's agent did not finish the search within {(timeout + AgentGrace).TotalSeconds:0} s");
        }
    }
}
