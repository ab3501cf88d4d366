namespace Hearth.Agent.RunAs;

/// <summary>One /etc/group line (group(5)): its name, gid and the user names listed as members.</summary>
internal sealed record GroupEntry(string Name, uint Gid, string[] Members)
{
    /// <summary>The entries of an /etc/group text, in file order; malformed lines are skipped as in <see cref="PasswdEntry.ParseAll"/>.</summary>
    public static List<GroupEntry> ParseAll(IEnumerable<string> lines)
    {
        var entries = new List<GroupEntry>();
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] is '#' or '+' or '-') continue;
            // name:password:gid:member,member
            var fields = line.Split(':');
            if (fields.Length < 4 || fields[0].Length == 0) continue;
            if (!Ids.TryParse(fields[2], out var gid)) continue;
            entries.Add(new GroupEntry(fields[0], gid, fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }

        return entries;
    }
}
