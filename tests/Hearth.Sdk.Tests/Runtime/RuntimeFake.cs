using System.Net;
using Hearth.Sdk.Runtime;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Runtime;

/// <summary>
/// A control plane that mints runtime tokens (<c>tok-1</c>, <c>tok-2</c>, ...) and a gateway at
/// <see cref="Gateway"/> whose answers the test gives; both behind one <see cref="FakeHandler"/>.
/// </summary>
internal sealed class RuntimeFake
{
    public const string Gateway = "http://gw.test:9990";
    public const string WorkspaceId = "ws_abc123";

    private int _mints;

    public RuntimeFake(Func<RecordedRequest, HttpResponseMessage> gateway)
    {
        Handler = new FakeHandler((request, _) =>
        {
            if (request.Uri.Host == "hearth.test")
            {
                return Task.FromResult(Mint(request));
            }

            return Task.FromResult(gateway(request));
        });
    }

    public FakeHandler Handler { get; }

    public MovableTime Time { get; } = new(DateTimeOffset.Parse("2025-06-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public int Mints => Volatile.Read(ref _mints);

    /// <summary>The gateway_url the control plane advertises.</summary>
    public string AdvertisedGateway { get; set; } = Gateway;

    public IReadOnlyList<RecordedRequest> GatewayRequests => [.. Handler.Requests.Where(r => r.Uri.Host != "hearth.test")];

    public RecordedRequest LastGatewayRequest => GatewayRequests[^1];

    /// <summary>A gateway that answers every call with the same JSON.</summary>
    public static RuntimeFake Answering(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(_ => FakeHandler.Response(status, json));

    public static HttpResponseMessage Stream(string body, string contentType, int chunk = 3) => FakeHandler.Streamed(body, contentType, chunk);

    public HearthClient Client(Uri? gatewayOverride = null) =>
        new(new HearthClientOptions
        {
            BaseAddress = new Uri("http://hearth.test:7070"),
            ClientId = TestClients.ClientId,
            ClientSecret = TestClients.ClientSecret,
            HttpClient = new HttpClient(Handler),
            Timeout = TimeSpan.FromSeconds(10),
            RuntimeGatewayAddress = gatewayOverride,
            Time = Time,
        });

    public async Task<RuntimeClient> RuntimeAsync(HearthClient client) => await client.Workspaces.RuntimeAsync(WorkspaceId).Within();

    private HttpResponseMessage Mint(RecordedRequest request)
    {
        if (request.Method != HttpMethod.Post || request.Uri.AbsolutePath != $"/workspace/{WorkspaceId}/runtime-api-access/enable")
        {
            return FakeHandler.Response(HttpStatusCode.NotFound, WireSamples.Error("not_found", "Workspace not found"));
        }

        var n = Interlocked.Increment(ref _mints);
        var expires = Time.Now.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        return FakeHandler.Response(HttpStatusCode.OK, $$"""
            { "success": true, "enabled": true, "workspace_id": "{{WorkspaceId}}", "token": "tok-{{n}}",
              "expires_at": "{{expires}}", "gateway_url": "{{AdvertisedGateway}}" }
            """);
    }
}
