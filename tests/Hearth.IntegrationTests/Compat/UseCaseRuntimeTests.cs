using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Compat;

/// <summary>The runtime parts of use cases 2 and 4, through the official oblien SDK and the preload only.</summary>
public sealed class UseCaseRuntimeTests(Images.DebianPrebuildFixture fixture) : IClassFixture<Images.DebianPrebuildFixture>
{
    [Fact]
    public async Task Use_cases_2_and_4_run_through_the_official_sdk()
    {
        await OfficialSdk.RunAsync(fixture.Hearthd, "use-cases-runtime.mjs", "compat: use cases 2 and 4 (runtime parts) passed");
    }
}
