using Hearth.Testing;

namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a script of <c>tests/compat/</c> with the official <c>oblien@2.4.0</c> SDK against a real
/// hearthd, through the preload only (the same way a user would), and checks it finished.
/// </summary>
public static class OfficialSdk
{
    public static string CompatDir { get; } = Path.Combine(RepositoryPaths.Root, "tests", "compat");

    /// <summary>One <c>npm ci</c> per test run: every script shares <c>tests/compat/node_modules</c>.</summary>
    private static readonly Lazy<Task<CommandResult>> Install = new(() =>
        Command.RunAsync("npm", ["ci", "--prefix", CompatDir, "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5)));

    /// <summary>Installs the SDK (once) and fails the test if that failed.</summary>
    public static async Task EnsureInstalledAsync()
    {
        var install = await Install.Value;
        Assert.True(install.ExitCode == 0, "npm ci in tests/compat failed: " + install);
    }

    /// <summary>
    /// <c>npm ci</c> (once), then <c>node --import preload.mjs SCRIPT</c>; the test fails with the
    /// script's output and hearthd's log unless it exits 0 and prints <paramref name="passedLine"/>;
    /// <paramref name="env"/> adds <c>K=V</c> variables for the script.
    /// </summary>
    public static async Task RunAsync(HearthdInstance hearthd, string script, string passedLine, TimeSpan? timeout = null, IReadOnlyList<string>? env = null)
    {
        await EnsureInstalledAsync();

        var run = await Command.RunAsync("/usr/bin/env",
            [$"HEARTH_URL={hearthd.ApiUrl}", $"HEARTH_RUNTIME_URL={hearthd.RuntimeUrl}", $"HEARTH_CLIENT_ID={hearthd.ClientId}",
             $"HEARTH_CLIENT_SECRET={hearthd.ClientSecret}", .. env ?? [], "node", "--import", Path.Combine(CompatDir, "preload.mjs"),
             Path.Combine(CompatDir, script)], timeout ?? TimeSpan.FromMinutes(3));

        Assert.True(run.ExitCode == 0, $"{run}\n--- hearthd log ---\n{hearthd.ReadLog()}");
        Assert.Contains(passedLine, run.Stdout, StringComparison.Ordinal);
    }
}
