using System.Globalization;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary>A workspace whose main process counts in /tmp/counter, read from the host through its root.</summary>
internal static class CounterWorkspace
{
    public const string CreateJson =
        """{"image":"busybox","config":{"cmd":["/bin/sh","-c","i=0; while true; do i=$((i+1)); echo $i > /tmp/counter; sleep 0.05; done"]}}""";

    public static string CounterPath(HearthdInstance hearthd, string id) => Infrastructure.HostProbe.InRootfs(hearthd, id, "/tmp/counter");

    /// <summary>The counter now; throws <see cref="FormatException"/> while the file is being rewritten.</summary>
    public static long Read(HearthdInstance hearthd, string id) =>
        long.Parse(File.ReadAllText(CounterPath(hearthd, id)).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The counter once it reads cleanly (the shell truncates before it writes).</summary>
    public static Task<long> ReadStableAsync(HearthdInstance hearthd, string id) =>
        Infrastructure.HostProbe.EventuallyAsync(() => Read(hearthd, id), _ => true, TimeSpan.FromSeconds(10), $"counter of {id}");

    /// <summary>Waits until the counter passes <paramref name="value"/>.</summary>
    public static Task<long> PassesAsync(HearthdInstance hearthd, string id, long value, TimeSpan timeout) =>
        Infrastructure.HostProbe.EventuallyAsync(() => Read(hearthd, id), v => v > value, timeout, $"counter of {id} above {value}");
}
