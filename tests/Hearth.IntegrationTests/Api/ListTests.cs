using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Api;

/// <summary><c>GET /workspace</c>: pages, filters and the total.</summary>
public sealed class ListTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Page_limit_status_and_mode_filter_and_total_counts_every_match()
    {
        var ids = new List<string>();
        foreach (var json in new[]
                 {
                     """{"image":"busybox","name":"list-a"}""",
                     """{"image":"busybox","name":"list-b"}""",
                     """{"image":"busybox","name":"list-c","config":{"ttl":"1h"}}""",
                     """{"image":"busybox","name":"list-d","mode":"temporary"}""",
                     """{"image":"busybox","name":"list-e"}""",
                 })
            ids.Add(await Hearthd.CreateWorkspaceAsync(json).Within(Bounded.Create));
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{ids[1]}/stop").Within(Bounded.Create), HttpStatusCode.OK);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{ids[4]}/pause").Within(), HttpStatusCode.OK);

        var all = await ListAsync("/workspace");
        Assert.Equal(5, all.Total);
        Assert.Equal(1, all.Page);
        Assert.Equal(20, all.Limit);
        Assert.Equal(ids.Order(), all.Ids.Order());

        var page1 = await ListAsync("/workspace?limit=2&page=1");
        var page2 = await ListAsync("/workspace?limit=2&page=2");
        var page3 = await ListAsync("/workspace?limit=2&page=3");
        var page4 = await ListAsync("/workspace?limit=2&page=4");
        Assert.Equal((5, 2, 2), (page1.Total, page1.Ids.Count, page1.Limit));
        Assert.Equal((5, 2, 2), (page2.Total, page2.Ids.Count, page2.Page));
        Assert.Equal((5, 1), (page3.Total, page3.Ids.Count));
        Assert.Equal((5, 0), (page4.Total, page4.Ids.Count));
        Assert.Equal(ids.Order(), page1.Ids.Concat(page2.Ids).Concat(page3.Ids).Order()); // no overlap, nothing missing

        Assert.Equal([ids[1]], (await ListAsync("/workspace?status=stopped")).Ids);
        Assert.Equal([ids[4]], (await ListAsync("/workspace?status=paused")).Ids);
        var running = await ListAsync("/workspace?status=running");
        Assert.Equal(3, running.Total);
        Assert.Equal(new[] { ids[0], ids[2], ids[3] }.Order(), running.Ids.Order());

        var temporary = await ListAsync("/workspace?mode=temporary");
        Assert.Equal(2, temporary.Total);
        Assert.Equal(new[] { ids[2], ids[3] }.Order(), temporary.Ids.Order());
        Assert.Equal(3, (await ListAsync("/workspace?mode=permanent")).Total);

        var both = await ListAsync("/workspace?mode=permanent&status=running&limit=1");
        Assert.Equal(1, both.Total);
        Assert.Equal([ids[0]], both.Ids);
        Assert.Equal(0, (await ListAsync("/workspace?status=deleting")).Total);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("mode=forever", "mode")]
    public async Task An_invalid_query_is_400_naming_the_parameter(string query, string field)
    {
        var response = await Hearthd.GetAsync("/workspace?" + query).Within();

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(response, field);
    }

    private async Task<(int Total, int Page, int Limit, List<string> Ids)> ListAsync(string path)
    {
        var response = await Hearthd.GetAsync(path).Within();
        ApiAssert.Status(response, HttpStatusCode.OK);
        var json = response.Json;
        return (json.GetProperty("total").GetInt32(), json.GetProperty("page").GetInt32(), json.GetProperty("limit").GetInt32(),
            json.GetProperty("workspaces").EnumerateArray().Select(w => w.GetProperty("id").GetString()!).ToList());
    }
}
