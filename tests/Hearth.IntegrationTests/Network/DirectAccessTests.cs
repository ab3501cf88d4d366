using System.Net;
using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Network;

/// <summary>B serves its runtime API and admits A; C is not admitted.</summary>
public sealed class DirectAccessLab : NetworkLabFixture
{
    public LabWorkspace A { get; private set; } = null!;
    public LabWorkspace B { get; private set; } = null!;
    public LabWorkspace C { get; private set; } = null!;
    public string RawTokenOfB { get; private set; } = "";
    public string RawTokenOfC { get; private set; } = "";
    public string GatewayTokenOfB { get; private set; } = "";

    protected override async Task PopulateAsync()
    {
        A = await CreateAsync("A");
        B = await CreateAsync("B", $$"""{"ingress":["{{A.Ip}}"],"ingress_ports":[5432]}""");
        C = await CreateAsync("C", """{"ingress":["0.0.0.0/0"]}""");
        GatewayTokenOfB = (await EnableAsync(B)).GetProperty("token").GetString()!;
        RawTokenOfB = await RawTokenAsync(B);
        await EnableAsync(C);
        RawTokenOfC = await RawTokenAsync(C);
    }

    private async Task<System.Text.Json.JsonElement> EnableAsync(LabWorkspace workspace)
    {
        var enabled = await Hearthd.PostAsync($"/workspace/{workspace.Id}/runtime-api-access/enable").Within();
        enabled.EnsureStatus(HttpStatusCode.OK);
        return enabled.Json;
    }

    private async Task<string> RawTokenAsync(LabWorkspace workspace)
    {
        var raw = await Hearthd.GetAsync($"/workspace/{workspace.Id}/runtime-api-access/token/raw").Within();
        raw.EnsureStatus(HttpStatusCode.OK);
        Assert.Equal(workspace.Ip, raw.Json.GetProperty("ip").GetString());
        Assert.Equal(9990, raw.Json.GetProperty("port").GetInt32());
        return raw.Json.GetProperty("token").GetString()!;
    }
}

/// <summary>
/// Oblien's direct path: <c>http://&lt;ip&gt;:9990</c> from another workspace, with the raw token
/// of the workspace at that address only, where its ingress admits the caller
/// (docs/design/network.md, "Direct access on 9990").
/// </summary>
public sealed class DirectAccessTests(DirectAccessLab lab) : IClassFixture<DirectAccessLab>
{
    [Fact]
    public async Task An_admitted_workspace_runs_a_command_in_another_through_its_address()
    {
        // Enabling the runtime API added 9990 to B's port list, as on Oblien.
        var network = await lab.Hearthd.GetAsync($"/workspace/{lab.B.Id}/network").Within();
        Assert.Equal([5432, 9990], network.Json.GetProperty("ingress_ports").EnumerateArray().Select(p => p.GetInt32()));

        var (status, body) = await CallAsync(lab.A, lab.B.Ip, lab.RawTokenOfB, "/exec", """{"cmd":["hostname"]}""");

        Assert.Equal(200, status);
        Assert.Contains("\"exit_code\":0", body, StringComparison.Ordinal);
        Assert.Contains("\"stdout\":\"b-", body, StringComparison.Ordinal); // B's hostname is its slug, "b-<n>"
    }

    [Fact]
    public async Task Only_the_raw_token_of_the_workspace_at_that_address_is_accepted()
    {
        Assert.Equal(200, (await CallAsync(lab.A, lab.B.Ip, lab.RawTokenOfB, "/runtime")).Status); // the control
        Assert.Equal(403, (await CallAsync(lab.A, lab.B.Ip, lab.RawTokenOfC, "/runtime")).Status);
        Assert.Equal(401, (await CallAsync(lab.A, lab.B.Ip, lab.GatewayTokenOfB, "/runtime")).Status);
        Assert.Equal(401, (await CallAsync(lab.A, lab.B.Ip, "", "/runtime")).Status);
        // C's token works on C's address (C admits everybody).
        Assert.Equal(200, (await CallAsync(lab.A, lab.C.Ip, lab.RawTokenOfC, "/runtime")).Status);
    }

    [Fact]
    public async Task A_workspace_the_target_does_not_admit_gets_no_connection()
    {
        var (status, body) = await CallAsync(lab.C, lab.B.Ip, lab.RawTokenOfB, "/runtime");
        Assert.True(status == 0 && body.Contains("refused", StringComparison.OrdinalIgnoreCase), $"C reached B's runtime API: {status} {body}");
        // Nor is the listener itself reachable on the gateway.
        var (direct, output) = await CallAsync(lab.A, NetworkLabFixture.Gateway, lab.RawTokenOfB, "/runtime");
        Assert.True(direct == 0 && output.Contains("refused", StringComparison.OrdinalIgnoreCase), $"the gateway's listener answered directly: {direct} {output}");
    }

    /// <summary>busybox wget from inside <paramref name="from"/>: the HTTP status (0 when no answer came) and the body or error.</summary>
    private static async Task<(int Status, string Body)> CallAsync(LabWorkspace from, string ip, string token, string path, string? json = null)
    {
        var post = json is null ? "" : $"--header 'Content-Type: application/json' --post-data '{json}' ";
        // (busybox 1.35 wget crashes with -T: timeout(1) bounds it instead.)
        var result = await from.ShAsync($"timeout 5 wget -S -O - --header 'Authorization: Bearer {token}' {post}http://{ip}:9990{path} 2>&1");
        var statusLine = result.Stdout.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("HTTP/1.1 ", StringComparison.Ordinal));
        var status = statusLine is null ? 0 : int.Parse(statusLine.Trim()["HTTP/1.1 ".Length..][..3], System.Globalization.CultureInfo.InvariantCulture);
        return (status, result.Stdout);
    }
}
