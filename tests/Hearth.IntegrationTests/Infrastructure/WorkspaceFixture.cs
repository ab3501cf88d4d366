using Hearth.Testing;

namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>A hearthd and one busybox workspace with its runtime API enabled, shared by a test class.</summary>
public sealed class WorkspaceFixture : IAsyncLifetime
{
    private readonly HearthdFixture hearthd = new();
    private RuntimeGatewayClient? runtime;

    public HearthdInstance Hearthd => hearthd.Hearthd;

    public RuntimeGatewayClient Runtime => runtime ?? throw new InvalidOperationException("the workspace was not created");

    public async Task InitializeAsync()
    {
        await hearthd.InitializeAsync();
        runtime = await RuntimeGatewayClient.ForNewWorkspaceAsync(hearthd.Hearthd);
    }

    public async Task DisposeAsync()
    {
        runtime?.Dispose();
        await hearthd.DisposeAsync();
    }
}
