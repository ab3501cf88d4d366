using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hearth.Sdk.Internal;

/// <summary>
/// A request body that can be written again: a call the gateway refused with 401 is sent once more
/// with a fresh token, so its body is created per attempt. <see cref="Replayable"/> is false for a
/// caller's stream that cannot be rewound.
/// </summary>
internal sealed record RequestBody(Func<HttpContent> Create, bool Replayable = true)
{
    public static RequestBody Json<T>(T value, JsonTypeInfo<T> type)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type);
        return new RequestBody(() =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            return content;
        });
    }

    public static RequestBody Bytes(ReadOnlyMemory<byte> bytes, string mediaType) => new(() =>
    {
        var content = new ReadOnlyMemoryContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    });

    /// <summary>A caller's stream, sent as it is read (chunked unless it knows its length).</summary>
    public static RequestBody Stream(Stream stream, string mediaType)
    {
        var start = stream.CanSeek ? stream.Position : 0;
        var attempts = 0;
        return new RequestBody(
            () =>
            {
                if (attempts++ > 0)
                {
                    stream.Position = start;
                }

                // The caller owns the stream: the content must not dispose it with the request.
                var content = new StreamContent(new KeepOpenStream(stream));
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return content;
            },
            Replayable: stream.CanSeek);
    }
}

/// <summary>
/// Calls to one workspace's runtime gateway with its bearer token: the token comes from
/// <see cref="RuntimeTokenSource"/>, a 401 renews it and repeats the call once, every other failure
/// becomes the <see cref="HearthApiException"/> for its status.
/// </summary>
internal sealed class RuntimeConnection(HearthConnection control, RuntimeTokenSource tokens)
{
    /// <summary>
    /// Names the workspace the call means. The token alone decides on a gateway that ignores the
    /// header; one that reads it refuses a token of another workspace (403) instead of acting there.
    /// </summary>
    public const string WorkspaceHeader = "X-Workspace-Id";

    /// <summary>Names the gateway in the message of a stream that broke.</summary>
    public const string Source = "the runtime gateway";

    public string WorkspaceId => tokens.WorkspaceId;

    public HearthConnection Control => control;

    /// <summary>Sends a call and reads its JSON answer, all within the client's timeout (or <paramref name="timeout"/>).</summary>
    public async Task<T> SendAsync<T>(
        HttpMethod method,
        string relativePath,
        RequestBody? body,
        JsonTypeInfo<T> responseType,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null)
    {
        using var bounded = CreateTimeout(cancellationToken, timeout ?? control.Timeout);
        try
        {
            var (response, gateway) = await SendCoreAsync(method, relativePath, body, bounded.Token).ConfigureAwait(false);
            using (response)
            {
                try
                {
                    var value = await response.Content.ReadFromJsonAsync(responseType, bounded.Token).ConfigureAwait(false);
                    return value ?? throw InvalidResponse(response, null);
                }
                catch (JsonException ex)
                {
                    throw InvalidResponse(response, ex);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    throw Unreachable(gateway, ex);
                }
            }
        }
        catch (Exception ex) when (IsOurTimeout(ex, cancellationToken))
        {
            throw TimedOut(method, relativePath, ex);
        }
    }

    /// <summary>
    /// Sends a call whose answer is a stream (SSE, NDJSON, tar.gz): the client's timeout bounds the wait
    /// for the headers only; the body is read for as long as the caller wants. The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> OpenAsync(HttpMethod method, string relativePath, RequestBody? body, CancellationToken cancellationToken)
    {
        using var bounded = CreateTimeout(cancellationToken, control.Timeout);
        try
        {
            var (response, _) = await SendCoreAsync(method, relativePath, body, bounded.Token).ConfigureAwait(false);
            return response;
        }
        catch (Exception ex) when (IsOurTimeout(ex, cancellationToken))
        {
            throw TimedOut(method, relativePath, ex);
        }
    }

    /// <summary>The current grant, minting one if the cached one is stale.</summary>
    public Task<RuntimeGrant> GrantAsync(CancellationToken cancellationToken) => tokens.GetAsync(force: false, cancellationToken);

    /// <summary>Replaces a grant the gateway refused (once per refused grant, however many callers saw it).</summary>
    public Task<RuntimeGrant> RenewAsync(RuntimeGrant refused, CancellationToken cancellationToken) => tokens.RenewAsync(refused, cancellationToken);

    private async Task<(HttpResponseMessage Response, Uri Gateway)> SendCoreAsync(
        HttpMethod method,
        string relativePath,
        RequestBody? body,
        CancellationToken cancellationToken)
    {
        var grant = await tokens.GetAsync(force: false, cancellationToken).ConfigureAwait(false);
        var response = await SendOnceAsync(method, relativePath, body, grant, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && (body is null || body.Replayable))
        {
            // Expired early, rotated, or the server restarted with a new signing key: one fresh token, one retry.
            response.Dispose();
            grant = await tokens.RenewAsync(grant, cancellationToken).ConfigureAwait(false);
            response = await SendOnceAsync(method, relativePath, body, grant, cancellationToken).ConfigureAwait(false);
        }

        if (response.IsSuccessStatusCode)
        {
            return (response, grant.Gateway);
        }

        using (response)
        {
            throw await ErrorMapper.ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method,
        string relativePath,
        RequestBody? body,
        RuntimeGrant grant,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(grant.Gateway, relativePath)) { Content = body?.Create() };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant.Token);
        request.Headers.TryAddWithoutValidation(WorkspaceHeader, WorkspaceId);
        request.Headers.UserAgent.Add(HearthConnection.UserAgent);
        try
        {
            return await control.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(grant.Gateway, ex);
        }
    }

    /// <summary>
    /// Moves a streamed body's enumerator on, turning a connection that breaks mid-stream into the
    /// transient <see cref="HearthApiException"/> every other network failure is.
    /// </summary>
    public static async ValueTask<bool> MoveNextAsync<T>(IAsyncEnumerator<T> enumerator)
    {
        try
        {
            return await enumerator.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new HearthApiException($"The runtime gateway's stream broke: {ex.Message}", statusCode: null, HearthApiException.NetworkErrorCode, innerException: ex);
        }
    }

    private static CancellationTokenSource CreateTimeout(CancellationToken cancellationToken, TimeSpan timeout)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            source.CancelAfter(timeout);
        }

        return source;
    }

    private static bool IsOurTimeout(Exception ex, CancellationToken callerToken) =>
        ex is OperationCanceledException && !callerToken.IsCancellationRequested;

    private HearthApiException TimedOut(HttpMethod method, string relativePath, Exception inner) =>
        new($"{method} /{relativePath.Split('?')[0]} on the runtime gateway of {WorkspaceId} timed out.", statusCode: null, HearthApiException.TimeoutCode, innerException: inner);

    private static HearthApiException Unreachable(Uri gateway, Exception inner) =>
        new($"Cannot reach the runtime gateway at {gateway}: {inner.Message}", statusCode: null, HearthApiException.NetworkErrorCode, innerException: inner);

    private static HearthApiException InvalidResponse(HttpResponseMessage response, Exception? inner) =>
        new($"The runtime gateway answered {(int)response.StatusCode} with a body that is not the expected JSON.",
            response.StatusCode, HearthApiException.InvalidResponseCode, innerException: inner);
}
