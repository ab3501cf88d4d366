using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Compat;

/// <summary>
/// The official <c>oblien@2.4.0</c> npm SDK, unchanged, driving Hearth's control plane
/// (tests/compat/control-plane.mjs): what the use cases call, through the SDK's own request
/// building, readiness polling and error classes.
/// </summary>
public sealed class OfficialSdkTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private static string CompatDir => OfficialSdk.CompatDir;

    [Fact]
    public async Task The_official_sdk_runs_the_control_plane_calls_of_the_use_cases()
    {
        await OfficialSdk.EnsureInstalledAsync();

        var hearthd = fixture.Hearthd;
        var run = await Command.RunAsync("/usr/bin/env",
            [$"HEARTH_URL={hearthd.ApiUrl}", $"HEARTH_CLIENT_ID={hearthd.ClientId}", $"HEARTH_CLIENT_SECRET={hearthd.ClientSecret}",
             "node", Path.Combine(CompatDir, "control-plane.mjs")], TimeSpan.FromMinutes(3));

        Assert.True(run.ExitCode == 0, $"the official SDK failed against Hearth:\n{run}\n--- hearthd log ---\n{hearthd.ReadLog()}");
        Assert.Contains("compat: all control-plane calls passed", run.Stdout, StringComparison.Ordinal);
    }
}
