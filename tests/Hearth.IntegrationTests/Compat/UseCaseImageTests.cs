using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Compat;

/// <summary>hearthd with the use cases' images prebuilt and python-3.12 aliased, as an operator would set it up.</summary>
public sealed class UseCaseImagesFixture : HearthdFixture
{
    public static readonly string[] Images = ["busybox", "node-20", "postgres-16", "python-3.13"];

    protected override string[] Flags => ["--prebuild-images", string.Join(',', Images), "--image-aliases", "python-3.12=python-3.13"];
}

/// <summary>Use case 5, "whitelisted connections" and use case 4 on the catalogue images, through the official oblien SDK.</summary>
public sealed class UseCaseImageTests(UseCaseImagesFixture fixture) : IClassFixture<UseCaseImagesFixture>
{
    [Fact]
    public async Task The_use_cases_run_on_node_20_postgres_16_and_python_3_12_through_the_official_sdk()
    {
        foreach (var image in UseCaseImagesFixture.Images)
            await ImageWait.ForReadyAsync(fixture.Hearthd, image);
        await OfficialSdk.RunAsync(fixture.Hearthd, "use-cases-images.mjs", "compat: use case images passed", TimeSpan.FromMinutes(5));
    }
}
