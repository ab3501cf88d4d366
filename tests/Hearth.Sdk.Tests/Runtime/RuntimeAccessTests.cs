using System.Net;
using Hearth.Sdk.Runtime;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Runtime;

public sealed class RuntimeAccessTests
{
    private const string Tasks = """{ "success": true, "tasks": [] }""";

    [Fact]
    public async Task RuntimeAsync_mints_on_the_control_plane_and_calls_the_advertised_gateway_with_the_bearer_token()
    {
        var fake = RuntimeFake.Answering(Tasks);
        using var client = fake.Client();

        var rt = await fake.RuntimeAsync(client);
        await rt.Exec.ListAsync().Within();

        var mint = fake.Handler.Requests[0];
        Assert.Equal(HttpMethod.Post, mint.Method);
        Assert.Equal("http://hearth.test:7070/workspace/ws_abc123/runtime-api-access/enable", mint.Uri.ToString());
        Assert.Equal(TestClients.ClientId, mint.Header("X-Client-ID"));
        var call = fake.LastGatewayRequest;
        Assert.Equal("http://gw.test:9990/exec", call.Uri.ToString());
        Assert.Equal("Bearer tok-1", call.Header("Authorization"));
        Assert.Equal("ws_abc123", call.Header("X-Workspace-Id"));
        Assert.Null(call.Header("X-Client-Secret"));
        Assert.Equal("ws_abc123", rt.WorkspaceId);
    }

    [Fact]
    public async Task The_token_is_cached_per_workspace_for_55_minutes_and_force_mints_a_new_one()
    {
        var fake = RuntimeFake.Answering(Tasks);
        using var client = fake.Client();

        await (await fake.RuntimeAsync(client)).Exec.ListAsync().Within();
        var again = await fake.RuntimeAsync(client);
        await again.Exec.ListAsync().Within();
        Assert.Equal(1, fake.Mints);

        fake.Time.Now += TimeSpan.FromMinutes(54);
        await again.Exec.ListAsync().Within();
        Assert.Equal(1, fake.Mints);
        fake.Time.Now += TimeSpan.FromMinutes(2);
        await again.Exec.ListAsync().Within();
        Assert.Equal(2, fake.Mints);
        Assert.Equal("Bearer tok-2", fake.LastGatewayRequest.Header("Authorization"));

        var forced = await client.Workspaces.RuntimeAsync(RuntimeFake.WorkspaceId, force: true).Within();
        await forced.Exec.ListAsync().Within();
        Assert.Equal(3, fake.Mints);
        Assert.Equal("Bearer tok-3", fake.LastGatewayRequest.Header("Authorization"));
    }

    [Fact]
    public async Task A_401_from_the_gateway_renews_the_token_once_and_repeats_the_call_with_its_body()
    {
        var fake = new RuntimeFake(request => request.Header("Authorization") == "Bearer tok-1"
            ? FakeHandler.Response(HttpStatusCode.Unauthorized, WireSamples.Error("authentication_error", "invalid or expired runtime token"))
            : FakeHandler.Response(HttpStatusCode.OK, ExecClientTests.Task));
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var task = await rt.Exec.RunAsync(["true"]).Within();

        Assert.Equal("task_1", task.Id);
        Assert.Equal(2, fake.Mints);
        var calls = fake.GatewayRequests;
        Assert.Equal(2, calls.Count);
        Assert.Equal("Bearer tok-2", calls[1].Header("Authorization"));
        Assert.Equal(calls[0].Body, calls[1].Body);
        Assert.Equal("""{"cmd":["true"]}""", calls[1].Body);
    }

    [Fact]
    public async Task A_second_401_is_an_authentication_error_without_a_third_mint()
    {
        var fake = RuntimeFake.Answering(WireSamples.Error("authentication_error", "invalid or expired runtime token"), HttpStatusCode.Unauthorized);
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var ex = await Assert.ThrowsAsync<HearthAuthenticationException>(() => rt.Exec.ListAsync().Within());

        Assert.Equal("invalid or expired runtime token", ex.Message);
        Assert.Equal(2, fake.Mints);
        Assert.Equal(2, fake.GatewayRequests.Count);
    }

    [Fact]
    public async Task Concurrent_calls_refused_with_the_same_token_share_one_renewal()
    {
        var fake = new RuntimeFake(request => request.Header("Authorization") == "Bearer tok-1"
            ? FakeHandler.Response(HttpStatusCode.Unauthorized, WireSamples.Error("authentication_error", "expired"))
            : FakeHandler.Response(HttpStatusCode.OK, Tasks));
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => rt.Exec.ListAsync())).Within();

        Assert.Equal(2, fake.Mints);
    }

    [Fact]
    public async Task The_gateway_address_can_be_overridden_and_keeps_its_path_prefix()
    {
        var fake = RuntimeFake.Answering(Tasks);
        fake.AdvertisedGateway = "http://0.0.0.0:9990";
        using var client = fake.Client(new Uri("http://gw.test:8080/runtime"));

        await (await fake.RuntimeAsync(client)).Exec.ListAsync().Within();

        Assert.Equal("http://gw.test:8080/runtime/exec", fake.LastGatewayRequest.Uri.ToString());
    }

    [Fact]
    public async Task An_unknown_workspace_is_a_not_found_from_the_control_plane()
    {
        var fake = RuntimeFake.Answering(Tasks);
        using var client = fake.Client();

        await Assert.ThrowsAsync<HearthNotFoundException>(() => client.Workspaces.RuntimeAsync("ws_nope").Within());
        Assert.Empty(fake.GatewayRequests);
    }

    [Fact]
    public async Task A_gateway_that_cannot_be_reached_is_a_transient_network_error()
    {
        var fake = new RuntimeFake(_ => throw new HttpRequestException("Connection refused"));
        using var client = fake.Client();
        var rt = await fake.RuntimeAsync(client);

        var ex = await Assert.ThrowsAsync<HearthApiException>(() => rt.Exec.ListAsync().Within());

        Assert.Equal(HearthApiException.NetworkErrorCode, ex.Code);
        Assert.True(ex.IsTransient);
        Assert.Contains("gw.test:9990", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://gw.test:9990/", "ws://gw.test:9990/ws?token=a%2Bb%2Fc%3D")]
    [InlineData("https://gw.test/prefix/", "wss://gw.test/prefix/ws?token=a%2Bb%2Fc%3D")]
    public void The_socket_address_is_the_gateways_with_ws_and_the_token_in_the_query(string gateway, string expected) =>
        Assert.Equal(expected, RuntimeClient.SocketUri(new Uri(gateway), "a+b/c=").AbsoluteUri);

    [Fact]
    public void Options_print_the_gateway_override_but_never_the_secret()
    {
        var text = new HearthClientOptions
        {
            BaseAddress = new Uri("http://h"),
            ClientId = "id",
            ClientSecret = "s3cret",
            RuntimeGatewayAddress = new Uri("http://gw:1"),
        }.ToString();

        Assert.Contains("RuntimeGatewayAddress = http://gw:1/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
    }
}
