using Hearth.Runtime.Containers;
using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Host;

/// <summary>Facts about the host that every workspace shares: the kernel and the container runtime.</summary>
internal sealed class HostFacts(DriverOptions options, IProcessRunner processes)
{
    private readonly Lazy<Task<string?>> crunVersion = new(() => ReadCrunVersionAsync(options, processes));

    /// <summary>uname -r: workspaces are containers, so this is their kernel too.</summary>
    public static string KernelRelease { get; } = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    /// <summary>The crun version (<c>1.8.1</c>), asked once; null when crun would not say.</summary>
    public Task<string?> CrunVersionAsync() => crunVersion.Value;

    private static async Task<string?> ReadCrunVersionAsync(DriverOptions options, IProcessRunner processes)
    {
        try
        {
            var result = await processes.RunAsync(new ProcessRequest(options.CrunPath, ["--version"]) { Timeout = TimeSpan.FromSeconds(10) });
            // The first line is "crun version 1.8.1".
            var first = result.StandardOutput.Split('\n', 2)[0].Trim();
            return result.Succeeded && first.StartsWith("crun version ", StringComparison.Ordinal) ? first["crun version ".Length..] : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null; // a fact for display only: no crun to ask is not an error here
        }
    }
}
