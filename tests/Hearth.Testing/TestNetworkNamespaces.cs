namespace Hearth.Testing;

/// <summary>
/// Network namespaces the tests make (<c>ip netns add</c>), named after the test process so that
/// ones a killed run left behind are recognised and removed by the next run.
/// </summary>
public static class TestNetworkNamespaces
{
    private const string Prefix = "hearth-t";
    private static int counter;
    private static int swept;

    /// <summary>A new, empty namespace (only <c>lo</c>, up); returns its name.</summary>
    public static async Task<string> CreateAsync(string role = "")
    {
        if (Interlocked.Exchange(ref swept, 1) == 0) await SweepAsync();
        var name = $"{Prefix}{Environment.ProcessId}-{Interlocked.Increment(ref counter)}{role}";
        (await Command.RunAsync("ip", ["netns", "add", name])).EnsureSuccess();
        (await Command.RunAsync("ip", ["-n", name, "link", "set", "lo", "up"])).EnsureSuccess();
        return name;
    }

    public static async Task DeleteAsync(string name) => await Command.RunAsync("ip", ["netns", "del", name]);

    /// <summary>Removes namespaces of test processes that no longer run.</summary>
    private static async Task SweepAsync()
    {
        if (!Directory.Exists("/run/netns")) return;
        foreach (var name in Directory.EnumerateFiles("/run/netns").Select(Path.GetFileName).OfType<string>())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            var pid = name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pid, out var p) && p != Environment.ProcessId && !Directory.Exists($"/proc/{p}"))
                await DeleteAsync(name);
        }
    }
}
