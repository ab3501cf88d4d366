using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hearth.Sdk.Internal;

/// <summary>
/// Sends one API call: builds the URL under the base address, adds the credentials, bounds the call
/// by the configured timeout and turns every failure into a <see cref="HearthApiException"/>.
/// </summary>
internal sealed class HearthConnection : IDisposable
{
    public static readonly ProductInfoHeaderValue UserAgent = new(
        "hearth-sdk",
        typeof(HearthConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? "0.0.0");

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly TimeSpan _timeout;
    private int _disposed;

    public HearthConnection(HearthClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.BaseAddress);
        if (!options.BaseAddress.IsAbsoluteUri || options.BaseAddress.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("BaseAddress must be an absolute http or https URL.", nameof(options));
        }

        CheckHeaderValue(options.ClientId, nameof(options.ClientId));
        CheckHeaderValue(options.ClientSecret, nameof(options.ClientSecret));
        if (options.Timeout != System.Threading.Timeout.InfiniteTimeSpan && options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Timeout must be positive or infinite.");
        }

        BaseAddress = WithTrailingSlash(options.BaseAddress);
        RuntimeGatewayAddress = options.RuntimeGatewayAddress is { } gateway ? CheckGateway(gateway) : null;
        Time = options.Time;
        _clientId = options.ClientId;
        _clientSecret = options.ClientSecret;
        _timeout = options.Timeout;
        if (options.HttpClient is { } http)
        {
            _http = http;
        }
        else
        {
            // The per-call timeout below governs; HttpClient's own would fire with a less useful exception.
            _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
            _ownsHttp = true;
        }
    }

    public Uri BaseAddress { get; }

    /// <summary>The gateway address that replaces the advertised one, always ending in '/'; null to use the advertised one.</summary>
    public Uri? RuntimeGatewayAddress { get; }

    /// <summary>The clock of the runtime token cache.</summary>
    public TimeProvider Time { get; }

    /// <summary>How long one call may take (<see cref="HearthClientOptions.Timeout"/>).</summary>
    public TimeSpan Timeout => _timeout;

    /// <summary>The client's HTTP pipeline, shared by the runtime gateway calls.</summary>
    public HttpClient Http
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _http;
        }
    }

    /// <summary>The runtime tokens minted through this client, by workspace id.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, RuntimeTokenSource> RuntimeTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Checks a gateway address the way the base address is checked, and gives it a trailing '/'.</summary>
    public static Uri CheckGateway(Uri gateway)
    {
        if (!gateway.IsAbsoluteUri || gateway.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The runtime gateway address '{gateway}' is not an absolute http or https URL.", nameof(gateway));
        }

        return WithTrailingSlash(gateway);
    }

    /// <summary>
    /// Sends a call and reads its success body as <typeparamref name="T"/>, within the client's timeout
    /// or <paramref name="timeout"/> (a call that waits on the server by design, such as a workload's stop).
    /// </summary>
    public async Task<T> SendAsync<T>(
        HttpMethod method,
        string relativePath,
        HttpContent? content,
        JsonTypeInfo<T> responseType,
        CancellationToken cancellationToken,
        bool authenticate = true,
        TimeSpan? timeout = null)
    {
        using var bounded = CreateTimeout(cancellationToken, timeout ?? _timeout);
        try
        {
            using var response = await SendCoreAsync(method, relativePath, content, authenticate, accept: null, bounded.Token).ConfigureAwait(false);
            T? value;
            try
            {
                value = await response.Content.ReadFromJsonAsync(responseType, bounded.Token).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                throw InvalidResponse(response, ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                throw Unreachable(ex);
            }

            return value ?? throw InvalidResponse(response, null);
        }
        catch (Exception ex) when (IsOurTimeout(ex, cancellationToken))
        {
            throw TimedOut(method, relativePath, ex);
        }
    }

    /// <summary>Sends a call whose success body carries nothing the caller needs.</summary>
    public async Task SendAsync(HttpMethod method, string relativePath, HttpContent? content, CancellationToken cancellationToken)
    {
        using var timeout = CreateTimeout(cancellationToken, _timeout);
        try
        {
            using var response = await SendCoreAsync(method, relativePath, content, authenticate: true, accept: null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOurTimeout(ex, cancellationToken))
        {
            throw TimedOut(method, relativePath, ex);
        }
    }

    /// <summary>
    /// Sends a call whose answer is read as it arrives (NDJSON progress, SSE): <paramref name="headersTimeout"/>
    /// bounds the wait for the response headers only, the body is read for as long as the caller wants.
    /// <paramref name="accept"/> replaces <c>application/json</c> in the Accept header. The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> OpenAsync(
        HttpMethod method,
        string relativePath,
        HttpContent? content,
        TimeSpan headersTimeout,
        CancellationToken cancellationToken,
        string? accept = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (headersTimeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(headersTimeout);
        }

        try
        {
            return await SendCoreAsync(method, relativePath, content, authenticate: true, accept, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOurTimeout(ex, cancellationToken))
        {
            throw TimedOut(method, relativePath, ex);
        }
    }

    /// <summary>A JSON body serialized up front, so the request carries a Content-Length (no chunking).</summary>
    public static HttpContent Json<T>(T value, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<HttpResponseMessage> SendCoreAsync(
        HttpMethod method,
        string relativePath,
        HttpContent? content,
        bool authenticate,
        string? accept,
        CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var request = new HttpRequestMessage(method, new Uri(BaseAddress, relativePath)) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept ?? "application/json"));
        request.Headers.UserAgent.Add(UserAgent);
        if (authenticate)
        {
            request.Headers.Add("X-Client-ID", _clientId);
            request.Headers.Add("X-Client-Secret", _clientSecret);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorMapper.ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static CancellationTokenSource CreateTimeout(CancellationToken cancellationToken, TimeSpan timeout)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            source.CancelAfter(timeout);
        }

        return source;
    }

    // A cancellation the caller did not ask for is the timeout (ours, or the supplied HttpClient's own).
    private static bool IsOurTimeout(Exception ex, CancellationToken callerToken) =>
        ex is OperationCanceledException && !callerToken.IsCancellationRequested;

    private HearthApiException TimedOut(HttpMethod method, string relativePath, Exception inner) =>
        new($"{method} {new Uri(BaseAddress, relativePath).AbsolutePath} timed out.", statusCode: null, HearthApiException.TimeoutCode, innerException: inner);

    private HearthApiException Unreachable(Exception inner) =>
        new($"Cannot reach the Hearth API at {BaseAddress}: {inner.Message}", statusCode: null, HearthApiException.NetworkErrorCode, innerException: inner);

    private static HearthApiException InvalidResponse(HttpResponseMessage response, Exception? inner) =>
        new($"The server answered {(int)response.StatusCode} with a body that is not the expected JSON.",
            response.StatusCode, HearthApiException.InvalidResponseCode, innerException: inner);

    private static Uri WithTrailingSlash(Uri uri)
    {
        // Relative paths resolve against the last '/', so "http://h/api" would otherwise lose "api".
        var builder = new UriBuilder(uri) { Query = string.Empty, Fragment = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }

    private static void CheckHeaderValue(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"{name} must not be empty.", name);
        }

        if (value.Any(char.IsControl))
        {
            throw new ArgumentException($"{name} must not contain control characters.", name);
        }
    }
}
