using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Api;

/// <summary>The workspace object and the catalogue endpoints carry the fields the issue lists (Oblien wire shape).</summary>
public sealed class WireShapeTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task A_created_workspace_has_every_documented_field()
    {
        var response = await Hearthd.PostAsync("/workspace", """{"image":"busybox","name":"Shape Check","config":{"cpus":2}}""").Within(Bounded.Create);
        ApiAssert.Status(response, HttpStatusCode.Created);
        Assert.True(response.Json.GetProperty("success").GetBoolean());
        var ws = response.Workspace;

        Assert.Matches("^ws_[a-z0-9]+$", ws.GetProperty("id").GetString());
        Assert.Equal("Shape Check", ws.GetProperty("name").GetString());
        Assert.Equal("shape-check", ws.GetProperty("slug").GetString());
        Assert.Equal("busybox", ws.GetProperty("image").GetString());
        Assert.Equal("permanent", ws.GetProperty("mode").GetString());
        Assert.Equal("running", ws.GetProperty("status").GetString());
        Assert.True(ws.GetProperty("ready").GetBoolean());
        var info = ws.GetProperty("info");
        Assert.Equal("running", info.GetProperty("status").GetString());
        Assert.True(info.GetProperty("is_running").GetBoolean());
        Assert.Matches(@"^10\.88\.\d+\.\d+$", info.GetProperty("internal_ip").GetString());
        Assert.Equal(info.GetProperty("internal_ip").GetString(), ws.GetProperty("network").GetProperty("ip").GetString());
        var provisioning = ws.GetProperty("provisioning");
        Assert.Equal("ready", provisioning.GetProperty("state").GetString());
        Assert.Equal("created", provisioning.GetProperty("phase").GetString());
        var resources = ws.GetProperty("resources");
        Assert.Equal((2, 512, 1024), (resources.GetProperty("cpus").GetInt32(), resources.GetProperty("memory_mb").GetInt32(), resources.GetProperty("disk_size_mb").GetInt32()));
        Assert.Equal("permanent", ws.GetProperty("lifecycle").GetProperty("mode").GetString());
        Assert.Equal(2, ws.GetProperty("config").GetProperty("cpus").GetInt32());
        var created = ws.GetProperty("created_at").GetDateTimeOffset();
        Assert.InRange(created, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(ws.GetProperty("updated_at").GetDateTimeOffset() >= created);
    }

    [Fact]
    public async Task A_workspace_is_found_by_its_slug_and_has_details()
    {
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","slug":"find-me-by-slug"}""").Within(Bounded.Create);

        var bySlug = await Hearthd.GetAsync("/workspace/find-me-by-slug").Within();
        Assert.Equal(id, bySlug.Workspace.GetProperty("id").GetString());

        var details = await Hearthd.GetAsync($"/workspace/{id}/details").Within();
        ApiAssert.Status(details, HttpStatusCode.OK);
        foreach (var part in new[] { "workspace", "lifecycle", "config", "resources" })
            Assert.Equal(JsonValueKind.Object, details.Json.GetProperty(part).ValueKind);
    }

    [Fact]
    public async Task A_taken_slug_is_409_and_creates_nothing()
    {
        await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","slug":"only-once"}""").Within(Bounded.Create);
        var folders = HostProbe.WorkspaceFolders(Hearthd);

        var twin = await Hearthd.PostAsync("/workspace", """{"image":"busybox","slug":"only-once"}""").Within(Bounded.Create);

        ApiAssert.Error(twin, HttpStatusCode.Conflict, "conflict");
        Assert.Contains("only-once", ApiAssert.Message(twin), StringComparison.Ordinal);
        Assert.Equal(folders, HostProbe.WorkspaceFolders(Hearthd));
    }

    [Fact]
    public async Task Images_and_quota_describe_this_host()
    {
        var images = await Hearthd.GetAsync("/workspace/images").Within();
        ApiAssert.Status(images, HttpStatusCode.OK);
        var busybox = images.Json.GetProperty("images").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "busybox");
        Assert.Equal("ready", busybox.GetProperty("status").GetString());
        Assert.Contains(images.Json.GetProperty("images").EnumerateArray(), i => i.GetProperty("id").GetString() == "debian-12");

        var quota = await Hearthd.GetAsync("/workspace/quota").Within();
        ApiAssert.Status(quota, HttpStatusCode.OK);
        var total = (await Hearthd.GetAsync("/workspace").Within()).Json.GetProperty("total").GetInt32();
        Assert.Equal(total, quota.Json.GetProperty("current_workspaces").GetInt32());
        Assert.Equal(32, quota.Json.GetProperty("limits").GetProperty("cpus").GetInt32());
        Assert.True(quota.Json.GetProperty("can_create").GetBoolean());
    }

    [Fact]
    public async Task Unknown_routes_and_methods_answer_in_the_envelope()
    {
        ApiAssert.Error(await Hearthd.GetAsync("/no/such/route").Within(), HttpStatusCode.NotFound, "not_found");
        ApiAssert.Error(await Hearthd.SendAsync(HttpMethod.Patch, "/workspace", "{}").Within(), HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }
}
