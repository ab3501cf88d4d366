using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Compat;

/// <summary>Use case 1 and the workload part of use case 7 on node-20 (and a postgres-16 <c>data</c> workspace), through the official oblien SDK and the preload only.</summary>
public sealed class UseCaseWorkloadTests(UseCaseImagesFixture fixture) : IClassFixture<UseCaseImagesFixture>
{
    [Fact]
    public async Task Use_cases_1_and_7_workloads_run_through_the_official_sdk()
    {
        foreach (var image in new[] { "node-20", "postgres-16" })
            await ImageWait.ForReadyAsync(fixture.Hearthd, image);
        await OfficialSdk.RunAsync(fixture.Hearthd, "use-cases-workloads.mjs", "compat: use cases 1 and 7 (workload parts) passed", TimeSpan.FromMinutes(4));
    }
}
