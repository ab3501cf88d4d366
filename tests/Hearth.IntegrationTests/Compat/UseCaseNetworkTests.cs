using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Compat;

/// <summary>
/// The private-network parts of the use cases ("Internal networking", 5 and 9), through the
/// official oblien SDK and the preload only: real connections between real workspaces.
/// </summary>
public sealed class UseCaseNetworkTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    [Fact]
    public async Task Use_case_topologies_behave_as_written_through_the_official_sdk()
    {
        await OfficialSdk.RunAsync(fixture.Hearthd, "use-cases-network.mjs", "compat: use cases (private network) passed");
    }
}
