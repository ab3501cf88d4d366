using Hearth.Agent.Tests.Infrastructure;

namespace Hearth.Agent.Tests.RunAs;

/// <summary>One idle container per class whose rootfs has <see cref="RunAsImage"/>'s accounts.</summary>
public sealed class RunAsFixture : IAsyncLifetime
{
    private AgentContainer? _container;

    public AgentContainer Container => _container ?? throw new InvalidOperationException("the container did not start");

    public async Task InitializeAsync() => _container = await AgentContainer.StartAsync([], waitForSocket: true, RunAsImage.Write);

    public async Task DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
    }
}
