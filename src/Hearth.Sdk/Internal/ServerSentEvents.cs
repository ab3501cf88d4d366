using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Hearth.Protocol.Errors;
using Hearth.Protocol.Json;

namespace Hearth.Sdk.Internal;

/// <summary>
/// Reads a <c>text/event-stream</c> body for every SSE stream of the SDK (exec, logs, stats). The
/// format is the WHATWG one and <see cref="SseParser"/> implements it: <c>event:</c>, <c>id:</c>
/// and <c>data:</c> lines, comments (hearthd's <c>: heartbeat</c>) skipped, an event split
/// anywhere across reads. What this adds: a connection that breaks mid-stream becomes the
/// transient <see cref="HearthApiException"/> every other network failure is, and an
/// <c>event: error</c> becomes the exception its code names.
/// </summary>
internal static class ServerSentEvents
{
    public const string MediaType = "text/event-stream";

    public const string ControlPlane = "the Hearth API";

    /// <summary>Opens a control-plane stream (<c>GET</c>); the client's timeout bounds the wait for the headers only.</summary>
    public static async IAsyncEnumerable<SseItem<string>> OpenAsync(
        HearthConnection connection,
        string relativePath,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var response = await connection.OpenAsync(HttpMethod.Get, relativePath, content: null, connection.Timeout, cancellationToken, MediaType)
            .ConfigureAwait(false);
        await foreach (var item in ReadAsync(response, ControlPlane, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <summary>The events of <paramref name="response"/>'s body, in order; disposes the response when the caller stops.</summary>
    /// <param name="response">A success response whose body is an event stream.</param>
    /// <param name="source">Names the server in a broken stream's message.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public static async IAsyncEnumerable<SseItem<string>> ReadAsync(
        HttpResponseMessage response,
        string source,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (response)
        {
            Stream body;
            try
            {
                body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                throw Broken(source, ex);
            }

            await using (body.ConfigureAwait(false))
            {
                var items = SseParser.Create(body).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                await using (items.ConfigureAwait(false))
                {
                    while (await MoveNextAsync(items, source).ConfigureAwait(false))
                    {
                        yield return items.Current;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Throws what an <c>event: error</c> (<c>{error, message}</c>) reports. No status came with
    /// it, so the exception counts as transient: the stream ended, and opening it again may work.
    /// </summary>
    public static void ThrowIfError(SseItem<string> item)
    {
        if (item.EventType != "error")
        {
            return;
        }

        ErrorEnvelope? envelope = null;
        try
        {
            envelope = JsonSerializer.Deserialize(item.Data, HearthJsonContext.Default.ErrorEnvelope);
        }
        catch (JsonException)
        {
            // Not an envelope: the text itself is the message.
        }

        var code = string.IsNullOrEmpty(envelope?.Error) ? ErrorCodes.Internal : envelope.Error;
        var message = envelope is null ? item.Data : envelope.Message;
        if (string.IsNullOrWhiteSpace(message))
        {
            message = code;
        }

        throw new HearthApiException($"The stream ended with an error: {message}", statusCode: null, code);
    }

    /// <summary>The exception for a body that is an event stream but not the JSON this stream carries.</summary>
    public static HearthApiException Invalid(string what, Exception? inner) =>
        new($"The server's event stream is not the expected JSON: {what}.", System.Net.HttpStatusCode.OK, HearthApiException.InvalidResponseCode, innerException: inner);

    private static async ValueTask<bool> MoveNextAsync(IAsyncEnumerator<SseItem<string>> items, string source)
    {
        try
        {
            return await items.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw Broken(source, ex);
        }
    }

    private static HearthApiException Broken(string source, Exception inner) =>
        new($"The stream from {source} broke: {inner.Message}", statusCode: null, HearthApiException.NetworkErrorCode, innerException: inner);
}
