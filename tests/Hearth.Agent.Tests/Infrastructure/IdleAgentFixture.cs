namespace Hearth.Agent.Tests.Infrastructure;

/// <summary>One container per test class, its agent running with no main command.</summary>
public sealed class IdleAgentFixture : IAsyncLifetime
{
    private AgentContainer? _container;

    public AgentContainer Container => _container ?? throw new InvalidOperationException("the container did not start");

    public async Task InitializeAsync() => _container = await AgentContainer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
    }
}
