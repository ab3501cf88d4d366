using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Network;

/// <summary>
/// Bad network settings (issue 4, "Bad input"): 400 naming each bad entry, in a create or a
/// PATCH, and nothing created or changed: no workspace, no folder, not one nftables line.
/// </summary>
public sealed class NetworkBadInputTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    private static string Many(int count, Func<int, string> entry) => string.Join(',', Enumerable.Range(0, count).Select(entry));

    public static TheoryData<string, string> BadConfigs => new()
    {
        { """{"ingress":["10.88.0.2","not-an-ip"]}""", "config.ingress[1]" },
        { """{"ingress":["10.0.0.0/33"]}""", "config.ingress[0]" },
        { """{"ingress":["10.0.0.300"]}""", "config.ingress[0]" },
        { """{"ingress":["::1"]}""", "config.ingress[0]" },
        // Only dotted decimal: other spellings .NET parses would slip past cleanup by text (and octal is another address).
        { """{"ingress":["10.88.0.05"]}""", "config.ingress[0]" },
        { """{"ingress":["0x0a.88.0.5"]}""", "config.ingress[0]" },
        { """{"ingress":["010.88.0.5"]}""", "config.ingress[0]" },
        { """{"ingress":["10.88.0.0/016"]}""", "config.ingress[0]" },
        { """{"egress":["10.88.0.05"]}""", "config.egress[0]" },
        { """{"ingress":["2001:db8::/32"]}""", "config.ingress[0]" },
        { """{"ingress":["example.com"]}""", "config.ingress[0]" },
        { """{"ingress":[7]}""", "config.ingress[0]" },
        { """{"egress":["not a host!"]}""", "config.egress[0]" },
        { """{"egress":["10.0.0.1","10.0.0.0/33"]}""", "config.egress[1]" },
        { """{"egress":["2001:db8::1"]}""", "config.egress[0]" },
        { """{"ingress_ports":[0]}""", "config.ingress_ports[0]" },
        { """{"ingress_ports":[80,65536]}""", "config.ingress_ports[1]" },
        { """{"ingress_ports":["80"]}""", "config.ingress_ports[0]" },
        { $$"""{"ingress":[{{Many(51, i => $"\"10.0.{i}.1\"")}}]}""", "config.ingress" },
        { $$"""{"egress":[{{Many(51, i => $"\"host{i}.example.com\"")}}]}""", "config.egress" },
        { $$"""{"ingress_ports":[{{Many(51, i => (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture))}}]}""", "config.ingress_ports" },
        { """{"ingress":"10.88.0.2"}""", "config.ingress" },
        { """{"private_link_ids":["ws_nosuchthing"]}""", "config.private_link_ids[0]" },
        { """{"network_config":{"allow_internet":"no"}}""", "config.network_config.allow_internet" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public async Task A_bad_entry_in_a_create_is_400_naming_it_and_creates_nothing(string config, string field)
    {
        var before = await StateAsync();

        var response = await Hearthd.PostAsync("/workspace", $$"""{"image":"busybox","config":{{config}}}""").Within(Bounded.Create);

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(response, field);
        Assert.Single(ApiAssert.Fields(response));
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task Every_bad_entry_is_named_in_one_answer()
    {
        var before = await StateAsync();

        var response = await Hearthd.PostAsync("/workspace",
            """{"image":"busybox","config":{"ingress":["10.0.0.0/33","10.88.0.2","::1"],"egress":["ok.example.com","bad host"],"ingress_ports":[0]}}""").Within(Bounded.Create);

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        string[] fields = ["config.ingress[0]", "config.ingress[2]", "config.egress[1]", "config.ingress_ports[0]"];
        foreach (var field in fields)
            ApiAssert.NamesField(response, field);
        Assert.Equal(fields.Length, ApiAssert.Fields(response).Count);
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [InlineData("""{"ingress":["10.88.0.9","10.0.0.0/33"]}""", "ingress[1]")]
    [InlineData("""{"ingress":["10.88.0.9"],"egress":["::1"]}""", "egress[0]")]
    [InlineData("""{"ingress_ports":[5432,65536]}""", "ingress_ports[1]")]
    [InlineData("""{"private_link_ids":["ws_nosuchthing"]}""", "private_link_ids[0]")]
    [InlineData("""{"allow_internet":"yes"}""", "allow_internet")]
    public async Task A_bad_entry_in_a_patch_is_400_naming_it_and_changes_nothing(string patch, string field)
    {
        var id = await WorkspaceAsync();
        var before = await StateAsync();
        var network = (await Hearthd.GetAsync($"/workspace/{id}/network").Within()).EnsureStatus(HttpStatusCode.OK).Body;

        var response = await Hearthd.SendAsync(HttpMethod.Patch, $"/workspace/{id}/network", patch).Within();

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(response, field);
        Assert.Single(ApiAssert.Fields(response));
        Assert.Equal(before, await StateAsync());
        Assert.Equal(network, (await Hearthd.GetAsync($"/workspace/{id}/network").Within()).Body);
    }

    [Fact]
    public async Task A_workspace_cannot_link_to_itself()
    {
        var id = await WorkspaceAsync();

        var response = await Hearthd.SendAsync(HttpMethod.Patch, $"/workspace/{id}/network", $$"""{"private_link_ids":["{{id}}"]}""").Within();

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(response, "private_link_ids[0]");
    }

    /// <summary>The class's one workspace with rules, made by the first test that needs it.</summary>
    private async Task<string> WorkspaceAsync()
    {
        var list = (await Hearthd.GetAsync("/workspace").Within()).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("workspaces");
        return list.EnumerateArray().Select(w => w.GetProperty("id").GetString()).FirstOrDefault()
            ?? await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","config":{"ingress":["10.88.0.0/24"],"ingress_ports":[5432],"egress":["10.88.0.7"]}}""").Within(Bounded.Create);
    }

    /// <summary>Everything a create or PATCH could leave: the workspaces, their folders, the firewall's table.</summary>
    private async Task<string> StateAsync()
    {
        var list = (await Hearthd.GetAsync("/workspace").Within()).EnsureStatus(HttpStatusCode.OK).Json;
        var ruleset = (await Hearthd.InNetworkNamespaceAsync("nft", "list", "table", "inet", "hearth").Within()).EnsureSuccess().Stdout;
        return $"total {list.GetProperty("total").GetInt32()}\nfolders {string.Join(' ', HostProbe.WorkspaceFolders(Hearthd))}\n{ruleset}";
    }
}
