using Hearth.Testing;

namespace Hearth.IntegrationTests.Compat;

/// <summary>The runtime parts of use cases 2 and 4, through the official oblien SDK and the preload only.</summary>
public sealed class UseCaseRuntimeTests(Images.DebianPrebuildFixture fixture) : IClassFixture<Images.DebianPrebuildFixture>
{
    [Fact]
    public async Task Use_cases_2_and_4_run_through_the_official_sdk()
    {
        var hearthd = fixture.Hearthd;
        var compat = Path.Combine(RepositoryPaths.Root, "tests", "compat");
        var install = await Command.RunAsync("npm", ["ci", "--prefix", compat, "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, install.ToString());

        var run = await Command.RunAsync("/usr/bin/env",
            [$"HEARTH_URL={hearthd.ApiUrl}", $"HEARTH_RUNTIME_URL={hearthd.RuntimeUrl}", $"HEARTH_CLIENT_ID={hearthd.ClientId}",
             $"HEARTH_CLIENT_SECRET={hearthd.ClientSecret}", "node", "--import", Path.Combine(compat, "preload.mjs"),
             Path.Combine(compat, "use-cases-runtime.mjs")], TimeSpan.FromMinutes(3));

        Assert.True(run.ExitCode == 0, $"{run}\n--- hearthd log ---\n{hearthd.ReadLog()}");
        Assert.Contains("compat: use cases 2 and 4 (runtime parts) passed", run.Stdout, StringComparison.Ordinal);
    }
}
