using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Compat;

/// <summary>The runtime parts of use cases 2 and 4 on node-20 and python-3.12, through the official oblien SDK and the preload only.</summary>
public sealed class UseCaseRuntimeTests(UseCaseImagesFixture fixture) : IClassFixture<UseCaseImagesFixture>
{
    [Fact]
    public async Task Use_cases_2_and_4_run_through_the_official_sdk()
    {
        foreach (var image in UseCaseImagesFixture.Images)
            await ImageWait.ForReadyAsync(fixture.Hearthd, image);
        await OfficialSdk.RunAsync(fixture.Hearthd, "use-cases-runtime.mjs", "compat: use cases 2 and 4 (runtime parts) passed");
    }
}
