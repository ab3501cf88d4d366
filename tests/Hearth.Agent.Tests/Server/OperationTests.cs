using System.Text.Json;
using Hearth.Agent.Tests.Infrastructure;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Tests.Server;

/// <summary>Operations (docs/design/agent-protocol.md, "Operations"): requests that end in <c>result</c> or <c>error</c>.</summary>
public sealed class OperationTests(IdleAgentFixture fixture) : IClassFixture<IdleAgentFixture>
{
    [Fact]
    public async Task Info_reports_the_workspace_machine_and_the_ops_it_knows()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await client.HelloAsync();

        var info = await client.StartOperationAsync("info");
        var end = await info.WaitForEndAsync();

        Assert.Equal("result", end.Op);
        var result = end.Result!.Value;
        Assert.Equal("linux", result.GetProperty("os").GetString());
        Assert.Equal(FrameCodec.Version, result.GetProperty("protocol_version").GetInt32());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("hostname").GetString()));
        var capabilities = result.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("spawn", capabilities);
        Assert.Contains("info", capabilities);
        Assert.Empty(client.Violations);
    }

    [Fact]
    public async Task An_unknown_op_ends_its_stream_with_bad_request_and_the_connection_goes_on()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await client.HelloAsync();

        var unknown = await client.StartOperationAsync("no.such.op", JsonDocument.Parse("{}").RootElement);
        var end = await unknown.WaitForEndAsync();
        var info = await (await client.StartOperationAsync("info")).WaitForEndAsync();

        Assert.Equal("error", end.Op);
        Assert.Equal("bad_request", end.Error);
        Assert.Equal("result", info.Op);
    }

    [Fact]
    public async Task Malformed_args_are_a_bad_request_not_a_crash()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await client.HelloAsync();

        // info ignores args; an args value that is not an object is still accepted as none.
        var end = await (await client.StartOperationAsync("info", JsonDocument.Parse("[1,2]").RootElement)).WaitForEndAsync();

        Assert.Equal("result", end.Op);
    }
}
