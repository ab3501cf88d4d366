using System.Net;
using Hearth.Protocol.Errors;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

public sealed class HearthApiExceptionTests
{
    [Theory]
    [InlineData(400, "validation_error", typeof(HearthValidationException), false)]
    [InlineData(400, "invalid_json", typeof(HearthValidationException), false)]
    [InlineData(401, "authentication_error", typeof(HearthAuthenticationException), false)]
    [InlineData(403, "forbidden", typeof(HearthApiException), false)]
    [InlineData(404, "not_found", typeof(HearthNotFoundException), false)]
    [InlineData(409, "conflict", typeof(HearthConflictException), false)]
    [InlineData(413, "payload_too_large", typeof(HearthPayloadTooLargeException), false)]
    [InlineData(422, "insufficient_capacity", typeof(HearthValidationException), false)]
    [InlineData(429, "rate_limited", typeof(HearthApiException), true)]
    [InlineData(500, "create_failed", typeof(HearthApiException), true)]
    [InlineData(503, "unavailable", typeof(HearthApiException), true)]
    public async Task Each_status_maps_to_its_exception(int status, string code, Type expected, bool transient)
    {
        var handler = new FakeHandler((HttpStatusCode)status, WireSamples.Error(code, "it went wrong"));
        using var client = TestClients.Create(handler);

        var ex = await Assert.ThrowsAnyAsync<HearthApiException>(() => client.Workspaces.GetAsync("ws_abc123").Within());

        Assert.IsType(expected, ex);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal(code, ex.Code);
        Assert.Equal("it went wrong", ex.Message);
        Assert.Equal(transient, ex.IsTransient);
        Assert.Empty(ex.Errors);
    }

    [Fact]
    public async Task Field_errors_and_available_images_are_carried()
    {
        var handler = new FakeHandler(HttpStatusCode.BadRequest, """
            { "success": false, "error": "invalid_image", "message": "Unknown image 'nod'",
              "errors": [{ "field": "image", "message": "no such image" }, { "field": "config.cpus", "message": "must be at most 8" }],
              "available": ["node-20", "python-3.12"] }
            """);
        using var client = TestClients.Create(handler);

        var ex = await Assert.ThrowsAsync<HearthValidationException>(
            () => client.Workspaces.CreateAsync(new() { Image = "nod" }).Within());

        Assert.Equal(ErrorCodes.InvalidImage, ex.Code);
        Assert.Equal(["node-20", "python-3.12"], ex.Available);
        Assert.Equal(2, ex.Errors.Count);
        Assert.Equal("config.cpus", ex.Errors[1].Field);
        Assert.Equal("must be at most 8", ex.Errors[1].Message);
    }

    [Fact]
    public async Task An_html_error_page_becomes_a_status_described_exception()
    {
        var handler = new FakeHandler(HttpStatusCode.BadGateway, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");
        using var client = TestClients.Create(handler);

        var ex = await Assert.ThrowsAsync<HearthApiException>(() => client.Workspaces.ListAsync().Within());

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Equal(ErrorCodes.Unavailable, ex.Code);
        Assert.True(ex.IsTransient);
        Assert.StartsWith("HTTP 502", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<html>", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, typeof(HearthAuthenticationException), "authentication_error")]
    [InlineData(404, typeof(HearthNotFoundException), "not_found")]
    [InlineData(413, typeof(HearthPayloadTooLargeException), "payload_too_large")]
    [InlineData(422, typeof(HearthValidationException), "validation_error")]
    public async Task A_plain_text_error_keeps_its_type_and_says_what_the_body_said(int status, Type expected, string code)
    {
        var handler = new FakeHandler((HttpStatusCode)status, "request body too big", "text/plain");
        using var client = TestClients.Create(handler);

        var ex = await Assert.ThrowsAnyAsync<HearthApiException>(() => client.Workspaces.GetAsync("ws_abc123").Within());

        Assert.IsType(expected, ex);
        Assert.Equal(code, ex.Code);
        Assert.EndsWith(": request body too big", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_error_body_still_says_the_status()
    {
        var handler = new FakeHandler(HttpStatusCode.InternalServerError, "", "text/plain");
        using var client = TestClients.Create(handler);

        var ex = await Assert.ThrowsAsync<HearthApiException>(() => client.Workspaces.GetAsync("ws_abc123").Within());

        Assert.Equal(ErrorCodes.Internal, ex.Code);
        Assert.Equal("HTTP 500 Internal Server Error", ex.Message);
    }

    [Fact]
    public async Task A_network_failure_is_transient_and_has_no_status()
    {
        var handler = new FakeHandler((_, _) => throw new HttpRequestException("Connection refused"));
        using var client = TestClients.Create(handler);

        var ex = await Assert.ThrowsAsync<HearthApiException>(() => client.Workspaces.ListAsync().Within());

        Assert.Null(ex.StatusCode);
        Assert.Equal(HearthApiException.NetworkErrorCode, ex.Code);
        Assert.True(ex.IsTransient);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Contains("Connection refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_that_outlives_the_timeout_is_transient()
    {
        var handler = new FakeHandler(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });
        using var client = TestClients.Create(handler, timeout: TimeSpan.FromMilliseconds(100));

        var ex = await Assert.ThrowsAsync<HearthApiException>(() => client.Workspaces.StartAsync("ws_abc123").Within());

        Assert.Equal(HearthApiException.TimeoutCode, ex.Code);
        Assert.True(ex.IsTransient);
        Assert.Contains("/workspace/ws_abc123/start", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("null")]
    [InlineData("""{ "success": true }""")]
    public async Task A_success_status_with_an_unexpected_body_is_an_invalid_response(string body)
    {
        var handler = new FakeHandler(HttpStatusCode.OK, body);
        using var client = TestClients.Create(handler);

        var ex = await Assert.ThrowsAsync<HearthApiException>(() => client.Workspaces.GetAsync("ws_abc123").Within());

        Assert.Equal(HearthApiException.InvalidResponseCode, ex.Code);
        Assert.Equal(HttpStatusCode.OK, ex.StatusCode);
        Assert.False(ex.IsTransient);
    }
}
