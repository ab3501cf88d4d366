namespace Hearth.Runtime.Images;

/// <summary>
/// Finds the Debian mirror this host's apt already uses, so images are built from the same
/// place the host's packages come from (one-line sources.list and deb822 .sources files,
/// sources.list(5)). The security archive is skipped: debootstrap needs the main archive.
/// </summary>
internal static class AptSources
{
    public static string? FindDebianMirror(string aptDir = "/etc/apt")
    {
        foreach (var (uri, suites) in Entries(aptDir))
        {
            if (uri.StartsWith("file:", StringComparison.Ordinal) || uri.StartsWith("cdrom:", StringComparison.Ordinal)) continue;
            if (suites.Any(s => s.EndsWith("-security", StringComparison.Ordinal) || s.Contains("/updates", StringComparison.Ordinal))) continue;
            if (suites.Any(s => s is "bookworm" or "trixie" or "stable" or "oldstable" or "testing" or "sid" or "bullseye"))
                return uri.TrimEnd('/');
        }
        return null;
    }

    private static IEnumerable<(string Uri, string[] Suites)> Entries(string aptDir)
    {
        var files = new List<string>();
        var main = Path.Combine(aptDir, "sources.list");
        if (File.Exists(main)) files.Add(main);
        var dir = Path.Combine(aptDir, "sources.list.d");
        if (Directory.Exists(dir))
            files.AddRange(Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".list", StringComparison.Ordinal) || f.EndsWith(".sources", StringComparison.Ordinal)).Order());

        foreach (var file in files)
        {
            var entries = file.EndsWith(".sources", StringComparison.Ordinal) ? Deb822(File.ReadAllText(file)) : OneLine(File.ReadAllLines(file));
            foreach (var entry in entries) yield return entry;
        }
    }

    private static IEnumerable<(string, string[])> OneLine(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            // Fields are separated by spaces or tabs: deb [options] uri suite components...
            var parts = raw.Split('#')[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
            if (parts.Count == 0 || parts[0] != "deb") continue;
            parts.RemoveAt(0);
            // An options block is the field right after "deb" that starts with '[' (it may span
            // several fields); a '[' later on is part of the URI (cdrom:[Debian ...]/).
            if (parts.Count > 0 && parts[0].StartsWith('['))
            {
                var end = parts.FindIndex(p => p.EndsWith(']'));
                if (end < 0) continue;
                parts.RemoveRange(0, end + 1);
            }
            if (parts.Count >= 2) yield return (parts[0], [parts[1]]);
        }
    }

    private static IEnumerable<(string, string[])> Deb822(string text)
    {
        foreach (var stanza in text.Replace("\r", "", StringComparison.Ordinal).Split("\n\n"))
        {
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in stanza.Split('\n'))
            {
                if (line.StartsWith('#') || !line.Contains(':', StringComparison.Ordinal)) continue;
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
            if (fields.TryGetValue("Enabled", out var enabled) && enabled == "no") continue;
            if (!fields.TryGetValue("Types", out var types) || !types.Split(' ').Contains("deb")) continue;
            if (!fields.TryGetValue("URIs", out var uris) || !fields.TryGetValue("Suites", out var suites)) continue;
            var suiteList = suites.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var uri in uris.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                yield return (uri, suiteList);
        }
    }
}
