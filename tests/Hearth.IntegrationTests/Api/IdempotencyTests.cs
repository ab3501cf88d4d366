using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Api;

/// <summary>A retried create with the same <c>idempotency_key</c> returns the first workspace.</summary>
public sealed class IdempotencyTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Two_creates_with_one_key_return_the_same_workspace_201_then_200()
    {
        const string json = """{"image":"busybox","idempotency_key":"retry-me-1"}""";

        var first = await Hearthd.PostAsync("/workspace", json).Within(Bounded.Create);
        var second = await Hearthd.PostAsync("/workspace", json).Within(Bounded.Create);

        ApiAssert.Status(first, HttpStatusCode.Created);
        ApiAssert.Status(second, HttpStatusCode.OK);
        var id = first.Workspace.GetProperty("id").GetString();
        Assert.Equal(id, second.Workspace.GetProperty("id").GetString());
        Assert.Equal(1, await CountWithKeyAsync(id!));
    }

    [Fact]
    public async Task Concurrent_creates_with_one_key_make_one_workspace()
    {
        const string json = """{"image":"busybox","idempotency_key":"race-me-1"}""";

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Hearthd.PostAsync("/workspace", json))).Within(Bounded.Create);

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.OK, a.Body));
        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        var ids = answers.Select(a => a.Workspace.GetProperty("id").GetString()!).Distinct().ToList();
        Assert.Single(ids);
        Assert.Equal(1, await CountWithKeyAsync(ids[0]));
        Assert.Single(HostProbe.WorkspaceFolders(Hearthd), f => f == ids[0]);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + ids[0]).Within()));
    }

    [Fact]
    public async Task Different_keys_make_different_workspaces()
    {
        var a = await Hearthd.PostAsync("/workspace", """{"image":"busybox","idempotency_key":"key-a"}""").Within(Bounded.Create);
        var b = await Hearthd.PostAsync("/workspace", """{"image":"busybox","idempotency_key":"key-b"}""").Within(Bounded.Create);

        ApiAssert.Status(a, HttpStatusCode.Created);
        ApiAssert.Status(b, HttpStatusCode.Created);
        Assert.NotEqual(a.Workspace.GetProperty("id").GetString(), b.Workspace.GetProperty("id").GetString());
    }

    private async Task<int> CountWithKeyAsync(string id)
    {
        var list = await Hearthd.GetAsync("/workspace?limit=500").Within();
        var all = list.Json.GetProperty("workspaces").EnumerateArray().Select(w => w.GetProperty("id").GetString()).ToList();
        Assert.Equal(all.Count, list.Json.GetProperty("total").GetInt32());
        return all.Count(w => w == id);
    }
}

/// <summary>Retried creates that race the first build of their image.</summary>
public sealed class ColdIdempotencyTests(Workspaces.ColdImagesFixture fixture) : IClassFixture<Workspaces.ColdImagesFixture>
{
    [Fact]
    public async Task Concurrent_creates_with_one_key_during_an_image_build_all_answer_with_the_running_workspace()
    {
        var hearthd = fixture.Hearthd;
        Assert.False(File.Exists(Path.Combine(fixture.ImagesDir, "busybox", "manifest.json")), "busybox must not be built yet");

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => hearthd.PostAsync("/workspace", """{"image":"busybox","idempotency_key":"cold-1"}""")))
            .Within(Bounded.Create);

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.OK, a.Body));
        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.Single(answers.Select(a => a.Workspace.GetProperty("id").GetString()).Distinct());
        Assert.Equal(1, (await hearthd.GetAsync("/workspace").Within()).Json.GetProperty("total").GetInt32());
        // A create is synchronous: every answer, the retried ones included, describes a running workspace.
        Assert.Equal(["running", "running", "running", "running"], answers.Select(ApiAssert.WorkspaceStatus).ToArray());
    }
}
