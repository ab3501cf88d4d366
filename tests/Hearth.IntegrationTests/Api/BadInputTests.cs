using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Api;

/// <summary>
/// Every bad input of the issue: the status, the machine code, the field named in the message and
/// in <c>errors[]</c>, and - for creates - that nothing was recorded or left on disk.
/// </summary>
public sealed class BadInputTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Unknown_image_is_400_invalid_image_listing_the_images_that_exist()
    {
        var response = await RejectedCreateAsync("""{"image":"no-such-image"}""", HttpStatusCode.BadRequest, "invalid_image");

        ApiAssert.NamesField(response, "image");
        var available = response.Json.GetProperty("available").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Contains("busybox", available);
        Assert.Contains("debian-12", available);
        Assert.Contains("busybox", ApiAssert.Message(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"image":"busybox","config":{"cpus":0}}""", "config.cpus")]
    [InlineData("""{"image":"busybox","config":{"cpus":33}}""", "config.cpus")]
    [InlineData("""{"image":"busybox","config":{"memory_mb":100}}""", "config.memory_mb")]
    [InlineData("""{"image":"busybox","config":{"memory_mb":70000}}""", "config.memory_mb")]
    [InlineData("""{"image":"busybox","config":{"disk_size_mb":10}}""", "config.disk_size_mb")]
    [InlineData("""{"image":"busybox","config":{"disk_size_mb":300000}}""", "config.disk_size_mb")]
    [InlineData("""{"image":"busybox","cpus":0}""", "cpus")]
    [InlineData("""{"image":"busybox","memory_mb":70000}""", "memory_mb")]
    [InlineData("""{"image":"busybox","disk_size_mb":10}""", "disk_size_mb")]
    [InlineData("""{"image":"busybox","config":{"cpus":"two"}}""", "config.cpus")]
    [InlineData("""{"config":{"cpus":1}}""", "image")]
    public async Task A_resource_out_of_range_is_400_naming_the_field(string json, string field)
    {
        var response = await RejectedCreateAsync(json, HttpStatusCode.BadRequest, "validation_error");

        ApiAssert.NamesField(response, field);
        Assert.Single(ApiAssert.Fields(response));
    }

    [Fact]
    public async Task Several_bad_fields_are_all_named_in_one_answer()
    {
        var response = await RejectedCreateAsync(
            """{"image":"busybox","config":{"cpus":0,"memory_mb":100,"disk_size_mb":10,"ttl":"soon"}}""",
            HttpStatusCode.BadRequest, "validation_error");

        foreach (var field in new[] { "config.cpus", "config.memory_mb", "config.disk_size_mb", "config.ttl" })
            ApiAssert.NamesField(response, field);
        Assert.Equal(4, ApiAssert.Fields(response).Count);
    }

    [Fact]
    public async Task Memory_above_what_the_host_has_is_422_insufficient_capacity_naming_memory_mb()
    {
        var memTotalMb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.True(long.Parse(memTotalMb, System.Globalization.CultureInfo.InvariantCulture) / 1024 < 65536,
            "this test needs a host with less than 64 GiB of memory");

        var response = await RejectedCreateAsync("""{"image":"busybox","config":{"memory_mb":65536}}""",
            HttpStatusCode.UnprocessableEntity, "insufficient_capacity");

        ApiAssert.NamesField(response, "memory_mb");
    }

    [Fact]
    public async Task Malformed_json_is_400_invalid_json()
    {
        await RejectedCreateAsync("""{"image": "busybox", """, HttpStatusCode.BadRequest, "invalid_json");
        await RejectedCreateAsync("""{"image": 'busybox'}""", HttpStatusCode.BadRequest, "invalid_json");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"busybox\"")]
    [InlineData("42")]
    [InlineData("null")]
    public async Task A_body_that_is_not_a_json_object_is_400(string json)
    {
        await RejectedCreateAsync(json, HttpStatusCode.BadRequest, "invalid_json");
    }

    [Fact]
    public async Task An_empty_create_body_is_400()
    {
        await RejectedCreateAsync("", HttpStatusCode.BadRequest, "invalid_json");
    }

    [Fact]
    public async Task A_body_over_1_MiB_is_413_payload_too_large()
    {
        // Valid JSON, 2 MiB: only its size is wrong.
        var json = """{"image":"busybox","name":" """ + new string('a', 2 * 1024 * 1024) + "\"}";

        var response = await RejectedCreateAsync(json, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

        Assert.Contains("1 MiB", ApiAssert.Message(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_1_MiB_sent_chunked_is_413_payload_too_large()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workspace")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("""{"image":"busybox","name":" """ + new string('a', 2 * 1024 * 1024) + "\"}"))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        var before = await TotalAsync();

        using var response = await Hearthd.Http.SendAsync(request).Within();
        var body = await response.Content.ReadAsStringAsync().Within();

        ApiAssert.Error(new ApiResponse(response.StatusCode, body), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(before, await TotalAsync());
    }

    [Fact]
    public async Task Unknown_workspace_is_404_not_found_for_get_delete_and_start()
    {
        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, "/workspace/ws_nope000000"),
                     (HttpMethod.Delete, "/workspace/ws_nope000000"),
                     (HttpMethod.Post, "/workspace/ws_nope000000/start"),
                     (HttpMethod.Post, "/workspace/ws_nope000000/stop"),
                     (HttpMethod.Get, "/workspace/ws_nope000000/resources"),
                 })
        {
            var response = await Hearthd.SendAsync(method, path).Within();
            ApiAssert.Error(response, HttpStatusCode.NotFound, "not_found");
            Assert.Contains("ws_nope000000", ApiAssert.Message(response), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Pause_of_a_stopped_workspace_is_409_conflict()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create), HttpStatusCode.OK);

        var response = await Hearthd.PostAsync($"/workspace/{id}/pause").Within();

        ApiAssert.Error(response, HttpStatusCode.Conflict, "conflict");
        Assert.Contains("stopped", ApiAssert.Message(response), StringComparison.Ordinal);
        Assert.Equal("stopped", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within()));
        ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Resume_of_a_running_workspace_is_a_200_no_op()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var pid = await HostProbe.InitPidAsync(Hearthd, id);

        var response = await Hearthd.PostAsync($"/workspace/{id}/resume").Within();

        ApiAssert.Status(response, HttpStatusCode.OK);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(response));
        Assert.Equal(pid, await HostProbe.InitPidAsync(Hearthd, id));
        Assert.Equal("THAWED", HostProbe.ReadCgroup("freezer", id, "freezer.state"));
        ApiAssert.Status(await Hearthd.DeleteAsync("/workspace/" + id).Within(Bounded.Create), HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("hk_0000000000000000", "hs_wrong")]
    [InlineData("ADMIN", "WRONG_SECRET")]
    public async Task Missing_or_wrong_credentials_are_401_authentication_error(string? clientId, string? clientSecret)
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(Hearthd.ApiUrl), Timeout = Bounded.Request };
        var before = await TotalAsync();
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/workspace"), (HttpMethod.Post, "/workspace"), (HttpMethod.Get, "/workspace/images") })
        {
            using var request = new HttpRequestMessage(method, path);
            if (clientId is not null) request.Headers.TryAddWithoutValidation("X-Client-ID", clientId == "ADMIN" ? Hearthd.ClientId : clientId);
            if (clientSecret is not null) request.Headers.TryAddWithoutValidation("X-Client-Secret", clientSecret);
            if (method == HttpMethod.Post) request.Content = new StringContent("""{"image":"busybox"}""", Encoding.UTF8, "application/json");

            using var response = await anonymous.SendAsync(request).Within();

            ApiAssert.Error(new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync().Within()),
                HttpStatusCode.Unauthorized, "authentication_error");
        }
        Assert.Equal(before, await TotalAsync()); // the refused POSTs created nothing
    }

    [Fact]
    public async Task Wrong_secret_of_a_known_client_is_401_even_after_a_right_one()
    {
        using var client = new HttpClient { BaseAddress = new Uri(Hearthd.ApiUrl), Timeout = Bounded.Request };
        client.DefaultRequestHeaders.Add("X-Client-ID", Hearthd.ClientId);

        using var right = new HttpRequestMessage(HttpMethod.Get, "/workspace");
        right.Headers.Add("X-Client-Secret", Hearthd.ClientSecret);
        using var rightResponse = await client.SendAsync(right).Within();
        Assert.Equal(HttpStatusCode.OK, rightResponse.StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/workspace");
        wrong.Headers.Add("X-Client-Secret", Hearthd.ClientSecret + "x");
        using var wrongResponse = await client.SendAsync(wrong).Within();
        ApiAssert.Error(new ApiResponse(wrongResponse.StatusCode, await wrongResponse.Content.ReadAsStringAsync().Within()),
            HttpStatusCode.Unauthorized, "authentication_error");
    }

    [Fact]
    public async Task Health_answers_without_credentials()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(Hearthd.ApiUrl), Timeout = Bounded.Request };

        using var response = await anonymous.GetAsync("/health").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync().Within());
        Assert.Equal("ok", body.Json.GetProperty("status").GetString());
    }

    /// <summary>
    /// POSTs a create that must fail with <paramref name="status"/> and <paramref name="code"/>,
    /// and checks that the list total and the workspaces folder did not change.
    /// </summary>
    private async Task<ApiResponse> RejectedCreateAsync(string json, HttpStatusCode status, string code)
    {
        var totalBefore = await TotalAsync();
        var foldersBefore = HostProbe.WorkspaceFolders(Hearthd);

        var response = await Hearthd.PostAsync("/workspace", json).Within(Bounded.Create);

        ApiAssert.Error(response, status, code);
        Assert.Equal(totalBefore, await TotalAsync());
        Assert.Equal(foldersBefore, HostProbe.WorkspaceFolders(Hearthd));
        return response;
    }

    private async Task<int> TotalAsync()
    {
        var list = await Hearthd.GetAsync("/workspace").Within();
        ApiAssert.Status(list, HttpStatusCode.OK);
        return list.Json.GetProperty("total").GetInt32();
    }
}
