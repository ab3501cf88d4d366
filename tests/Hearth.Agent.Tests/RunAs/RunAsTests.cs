
namespace Hearth.Agent.Tests.RunAs;

/// <summary>
/// <c>hearth-agent run-as</c> (src/Hearth.Agent/RunAs/README.md) in a container whose image has
/// its own accounts (<see cref="RunAsImage"/>), started through the protocol as the agent's
/// processes are. What the command became is read by a child of it from /proc/self/status.
/// </summary>
public sealed class RunAsTests(RunAsFixture fixture) : IClassFixture<RunAsFixture>
{
    /// <summary>Prints "Field: value" lines about the process that runs it (and its children).</summary>
    private const string Report =
        "grep -E '^(Uid|Gid|Groups|CapEff|SigIgn|SigBlk):' /proc/self/status; " +
        "echo \"id-u: $(id -u)\"; echo \"HOME: $HOME\"; echo \"USER: $USER\"; echo \"LOGNAME: $LOGNAME\"; echo \"PWD: $(pwd)\"";

    [Fact]
    public async Task Name_TakesItsUidGid_AndEveryGroupListingIt()
    {
        var seen = await ObserveAsync("--user", "alice");
        Assert.Equal("1000 1000 1000 1000", seen["Uid"]);
        Assert.Equal("1000", seen["id-u"]);
        Assert.Equal("1000 1000 1000 1000", seen["Gid"]);
        Assert.Equal("1000 2000 2001", seen["Groups"]);
        // Root was given up for good: no capabilities are left.
        Assert.Equal("0000000000000000", seen["CapEff"]);
    }

    [Fact]
    public async Task Name_SetsHomeUserAndLogname()
    {
        var seen = await ObserveAsync("--user", "alice");
        Assert.Equal("/home/alice", seen["HOME"]);
        Assert.Equal("alice", seen["USER"]);
        Assert.Equal("alice", seen["LOGNAME"]);
    }

    [Fact]
    public async Task Uid_WithAPasswdEntry_TakesTheEntrysGroupsAndName()
    {
        var seen = await ObserveAsync("--user", "1001");
        Assert.Equal("1001 1001 1001 1001", seen["Uid"]);
        Assert.Equal("1001 1001 1001 1001", seen["Gid"]);
        Assert.Equal("1001 2000", seen["Groups"]);
        Assert.Equal("bob", seen["USER"]);
        // bob's home field is empty.
        Assert.Equal("/", seen["HOME"]);
    }

    [Fact]
    public async Task UidGid_TakesBoth_WithoutSupplementaryGroups()
    {
        var seen = await ObserveAsync("--user", "1000:3000");
        Assert.Equal("1000 1000 1000 1000", seen["Uid"]);
        Assert.Equal("3000 3000 3000 3000", seen["Gid"]);
        Assert.Equal("3000", seen["Groups"]);
    }

    [Fact]
    public async Task NameGroup_TakesTheGroupByName()
    {
        var seen = await ObserveAsync("--user", "alice:ops");
        Assert.Equal("1000 1000 1000 1000", seen["Uid"]);
        Assert.Equal("2001 2001 2001 2001", seen["Gid"]);
        Assert.Equal("2001", seen["Groups"]);
    }

    [Fact]
    public async Task UidNotInPasswd_Works_WithGroupZero_AsRuncDoes()
    {
        var seen = await ObserveAsync("--user", "4242");
        Assert.Equal("4242 4242 4242 4242", seen["Uid"]);
        Assert.Equal("4242", seen["id-u"]);
        Assert.Equal("0 0 0 0", seen["Gid"]);
        Assert.Equal("0", seen["Groups"]);
        Assert.Equal("/", seen["HOME"]);
    }

    [Fact]
    public async Task Workdir_IsTheCommandsDirectory()
    {
        var seen = await ObserveAsync("--user", "alice", "--workdir", "/srv/app");
        Assert.Equal("/srv/app", seen["PWD"]);
    }

    [Fact]
    public async Task Workdir_OnlyRootMayEnter_IsEnteredBeforeTheSwitch()
    {
        // As under runc: the directory is entered as root, and the command runs there as alice.
        var seen = await ObserveAsync("--user", "alice", "--workdir", "/secret");
        Assert.Equal("/secret", seen["PWD"]);
        Assert.Equal("1000", seen["id-u"]);
    }

    [Fact]
    public async Task NoUser_StaysRoot_InTheWorkdir_WithSignalsAtTheirDefaults()
    {
        var seen = await ObserveAsync("--workdir", "/srv/app");
        Assert.Equal("0 0 0 0", seen["Uid"]);
        Assert.Equal("/srv/app", seen["PWD"]);
        // The runtime ignores SIGPIPE; exec would pass that on if run-as did not undo it. Signals
        // 32 and 33 are glibc's, which init's posix_spawn sets to SIG_IGN (Interop/PosixSpawn.cs).
        Assert.Equal(0UL, ulong.Parse(seen["SigIgn"], System.Globalization.NumberStyles.HexNumber) & 0x7FFF_FFFF);
        Assert.Equal("0000000000000000", seen["SigBlk"]);
    }

    [Fact]
    public async Task MissingWorkdir_Exits126()
    {
        var (exitCode, stdout, stderr) = await RunAsync("--user", "alice", "--workdir", "/no/such/dir", "--", "echo", "ran");
        Assert.Equal(126, exitCode);
        Assert.Equal("", stdout);
        Assert.Equal("hearth-agent run-as: cannot change to the working directory '/no/such/dir': No such file or directory\n", stderr);
    }

    [Theory]
    [InlineData("mallory", "unknown user 'mallory'")]
    [InlineData("alice:wheel", "unknown group 'wheel'")]
    [InlineData(":ops", "no user in ':ops'")]
    public async Task UnknownUserOrGroup_Exits126_NeverRunsAsRoot(string user, string message)
    {
        var (exitCode, stdout, stderr) = await RunAsync("--user", user, "--", "echo", "ran");
        Assert.Equal(126, exitCode);
        Assert.Equal("", stdout);
        Assert.StartsWith("hearth-agent run-as: " + message, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task MissingCommand_Exits127()
    {
        var (exitCode, _, stderr) = await RunAsync("--user", "alice", "--", "no-such-command");
        Assert.Equal(127, exitCode);
        Assert.StartsWith("hearth-agent run-as: cannot run 'no-such-command'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandFoundButNotExecutable_Exits126()
    {
        var (exitCode, _, stderr) = await RunAsync("--user", "alice", "--", "/etc/passwd");
        Assert.Equal(126, exitCode);
        Assert.StartsWith("hearth-agent run-as: cannot run '/etc/passwd'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadArguments_AreAUsageError()
    {
        var (exitCode, _, stderr) = await RunAsync("--user", "alice", "--");
        Assert.Equal(2, exitCode);
        Assert.Contains("hearth-agent run-as [--user", stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>run-as</c> with <paramref name="arguments"/> through the agent and waits for its end.</summary>
    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        await using var client = await fixture.Container.ConnectAsync();
        var process = await client.SpawnAsync([.. RunAsImage.Agent, "run-as", .. arguments]);
        var end = await process.WaitForEndAsync();
        Assert.True(end.Op == "exit", $"{end.Op}: {end.Message}");
        return (end.ExitCode ?? 128 + (end.Signal ?? 0), process.StdoutText, process.StderrText);
    }

    /// <summary>Runs <see cref="Report"/> under <c>run-as</c> with <paramref name="options"/>; its fields, whitespace collapsed.</summary>
    private async Task<Dictionary<string, string>> ObserveAsync(params string[] options)
    {
        var (exitCode, stdout, stderr) = await RunAsync([.. options, "--", "sh", "-c", Report]);
        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .ToDictionary(
                pair => pair[0],
                pair => string.Join(' ', pair[1].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)));
    }
}
