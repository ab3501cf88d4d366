using System.Net;
using System.Runtime.Versioning;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Cli;

/// <summary>Runs a stand-in <c>hearthd</c> (a shell script) beside a fake base directory. Needs /bin/sh.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hearth-serve-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Serve_runs_hearthd_with_the_arguments_verbatim_and_returns_its_exit_code()
    {
        var daemon = Path.Combine(_directory, "hearthd");
        var argsFile = Path.Combine(_directory, "args.txt");
        await File.WriteAllTextAsync(daemon, $"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{argsFile}'\nexit 7\n").Within();
        File.SetUnixFileMode(daemon, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var harness = new CliHarness(new FakeHandler(HttpStatusCode.OK, "")) { BaseDirectory = _directory };

        var run = await harness.RunAsync(
            "serve", "--data-dir", "/var/lib/hearth", "--api-listen=0.0.0.0:7070", "--config", "/etc/hearth/a b.toml", "-v", "@notafile");

        Assert.Equal(7, run.ExitCode);
        Assert.Equal(
            ["--data-dir", "/var/lib/hearth", "--api-listen=0.0.0.0:7070", "--config", "/etc/hearth/a b.toml", "-v", "@notafile"],
            await File.ReadAllLinesAsync(argsFile).Within());
    }

    [Fact]
    public async Task Serve_without_hearthd_beside_it_fails()
    {
        var harness = new CliHarness(new FakeHandler(HttpStatusCode.OK, "")) { BaseDirectory = _directory };

        var run = await harness.RunAsync("serve");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: hearthd not found in", run.Error, StringComparison.Ordinal);
    }
}
