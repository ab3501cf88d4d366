using Hearth.Runtime.Processes;

namespace Hearth.Bench.Host;

/// <summary>
/// Host programs run through hearthd's own <see cref="ProcessRunner"/> (all three stdio
/// redirected, output read asynchronously), so a spawn costs the bench what it costs hearthd.
/// </summary>
internal static class HostProcess
{
    public static ProcessRunner Runner { get; } = new();

    public static Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
        Runner.RunAsync(new ProcessRequest(file, arguments), cancellationToken);

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit is an error.</summary>
    public static Task<ProcessResult> RunCheckedAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
        Runner.RunCheckedAsync(new ProcessRequest(file, arguments), cancellationToken);
}
