using System.Text;
using Hearth.Agent.Init;

namespace Hearth.Agent.Search;

/// <summary>
/// ripgrep as hearthd ships it: the host's <c>rg</c> copied into the agent's bundle with the
/// libraries it needs, run through the bundle's loader like the agent itself, so it works in
/// any image (busybox included) and needs no network. The built-in search stands in when the
/// bundle has no <c>rg</c> (the host lacks ripgrep) or the workspace sets
/// <c>HEARTH_SEARCH_ENGINE=builtin</c>.
/// </summary>
internal static class Ripgrep
{
    public const string Path = "/.hearth/bin/rg";
    private const string Loader = "/.hearth/lib/ld-linux-x86-64.so.2";
    private const string LibraryPath = "/.hearth/lib";

    /// <summary>The workspace environment variable that chooses the engine: <c>builtin</c> or <c>ripgrep</c> (the default).</summary>
    public const string EngineVariable = "HEARTH_SEARCH_ENGINE";

    /// <summary>Null when content searches use ripgrep; otherwise why they do not.</summary>
    public static string? Unavailable()
    {
        if (string.Equals(Environment.GetEnvironmentVariable(EngineVariable), "builtin", StringComparison.OrdinalIgnoreCase))
            return $"{EngineVariable}=builtin is set in the workspace: the built-in search is used";
        if (!File.Exists(Path) || !File.Exists(Loader))
            return "ripgrep is not in the agent's bundle, so the built-in search is used: install it on the host " +
                   "(scripts/setup-host.sh installs the ripgrep package), restart hearthd, then restart the workspace";
        return null;
    }

    /// <summary>Starts ripgrep with <paramref name="arguments"/> through the bundle's loader.</summary>
    public static HelperProcess Start(Supervisor supervisor, IEnumerable<string> arguments, string workingDirectory) =>
        HelperProcess.Start(supervisor, [Loader, "--library-path", LibraryPath, Path, .. arguments], Loader, workingDirectory);

    /// <summary>The version <c>rg --version</c> reports (<c>13.0.0</c>), or null if it does not run.</summary>
    public static string? Version(Supervisor supervisor, CancellationToken cancellation)
    {
        using var process = Start(supervisor, ["--version"], "/");
        var output = new StringBuilder();
        var outcome = process.Pump(chunk => output.Append(Encoding.UTF8.GetString(chunk)), _ => { }, () => output.Length > 4096,
            Environment.TickCount64 + 5000, cancellation);
        if (outcome != HelperProcess.Outcome.Ended) process.Kill();
        process.WaitForExit(TimeSpan.FromSeconds(5));
        // "ripgrep 13.0.0\n-SIMD -AVX (compiled)\n..."
        var first = output.ToString().Split('\n')[0].Trim();
        return first.StartsWith("ripgrep ", StringComparison.Ordinal) ? first["ripgrep ".Length..].Split(' ')[0] : null;
    }
}
