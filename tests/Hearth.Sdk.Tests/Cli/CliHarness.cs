using Hearth.Cli;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Cli;

/// <summary>What one <c>hearth</c> run printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>What was written to stdout and stderr as bytes (remote output of exec and shell).</summary>
    public byte[] StandardOutput { get; init; } = [];

    public byte[] StandardError { get; init; } = [];
}

/// <summary>A clock that stays where the test put it.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Runs the real command tree in-process over a <see cref="FakeHandler"/>, capturing stdout and stderr.</summary>
internal sealed class CliHarness(FakeHandler handler)
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse(WireSamples.CreatedAt, System.Globalization.CultureInfo.InvariantCulture).AddMinutes(5);

    public Dictionary<string, string> Environment { get; } = new()
    {
        ["HEARTH_CLIENT_ID"] = "env-id",
        ["HEARTH_CLIENT_SECRET"] = "env-secret",
    };

    public string DefaultCredentialsPath { get; set; } = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "admin-credentials.json");

    public string BaseDirectory { get; set; } = AppContext.BaseDirectory;

    /// <summary>What the command reads from stdin.</summary>
    public byte[] StandardInput { get; set; } = [];

    /// <summary>Cancels the run as Ctrl+C cancels a command's token.</summary>
    public CancellationToken Cancellation { get; set; }

    public async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var context = new CliContext
        {
            Out = output,
            Error = error,
            GetEnvironmentVariable = name => Environment.TryGetValue(name, out var value) ? value : null,
            DefaultCredentialsPath = DefaultCredentialsPath,
            BaseDirectory = BaseDirectory,
            Time = new FixedTime(Now),
            HttpClient = new HttpClient(handler, disposeHandler: false),
            StandardInput = new MemoryStream(StandardInput),
            StandardOutput = stdout,
            StandardError = stderr,
        };

        var exitCode = await HearthCli.RunAsync(args, context, Cancellation).Within();
        return new CliRun(exitCode, output.ToString(), error.ToString()) { StandardOutput = stdout.ToArray(), StandardError = stderr.ToArray() };
    }
}
