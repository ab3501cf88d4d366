using System.Net;
using System.Text;

namespace Hearth.Sdk.Tests.Fakes;

/// <summary>One request as the wire saw it: method, absolute URI, every header and the body text.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body, byte[]? BodyBytes = null)
{
    public string PathAndQuery => Uri.PathAndQuery;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// The server side of the HTTP boundary: records each request and answers with whatever the test says.
/// No sockets; the SDK's own HttpClient pipeline runs unchanged on top of it.
/// </summary>
internal sealed class FakeHandler(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private readonly List<RecordedRequest> _requests = [];

    public FakeHandler(HttpStatusCode status, string body, string contentType = "application/json")
        : this((_, _) => Task.FromResult(Response(status, body, contentType)))
    {
    }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public RecordedRequest Single => Assert.Single(Requests);

    public static HttpResponseMessage Response(HttpStatusCode status, string body, string contentType = "application/json") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };

    /// <summary>A streamed answer whose body arrives <paramref name="chunk"/> bytes per read (<see cref="ChunkedStream"/>).</summary>
    public static HttpResponseMessage Streamed(string body, string contentType, int chunk = 3) =>
        new(HttpStatusCode.OK)
        {
            Content = new StreamContent(new ChunkedStream(Encoding.UTF8.GetBytes(body), chunk))
            {
                Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType) },
            },
        };

    /// <summary>Answers each request from a route table keyed by "METHOD /path"; anything else is a 404 envelope.</summary>
    public static FakeHandler Routes(params (string Route, HttpStatusCode Status, string Body)[] routes) =>
        new((request, _) =>
        {
            var key = $"{request.Method} {request.Uri.AbsolutePath}";
            foreach (var (route, status, body) in routes)
            {
                if (route == key)
                {
                    return Task.FromResult(Response(status, body));
                }
            }

            return Task.FromResult(Response(HttpStatusCode.NotFound, WireSamples.Error("not_found", "Workspace not found")));
        });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(",", values);
        }

        string? body = null;
        byte[]? bytes = null;
        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(",", values);
            }

            bytes = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            body = Encoding.UTF8.GetString(bytes);
        }

        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body, bytes);
        lock (_requests)
        {
            _requests.Add(recorded);
        }

        var response = await respond(recorded, cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}
