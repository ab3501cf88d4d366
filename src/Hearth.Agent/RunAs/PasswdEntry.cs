namespace Hearth.Agent.RunAs;

/// <summary>The fields of one /etc/passwd line (passwd(5)) that a change of user needs.</summary>
internal sealed record PasswdEntry(string Name, uint Uid, uint Gid, string Home)
{
    /// <summary>
    /// The entries of an /etc/passwd text, in file order (the first entry for a uid is the one
    /// getpwuid(3) would return). Lines that are empty, comments, NIS "+"/"-" lines, or that do not
    /// have the seven fields with numeric ids, are skipped, as glibc's files backend skips them.
    /// </summary>
    public static List<PasswdEntry> ParseAll(IEnumerable<string> lines)
    {
        var entries = new List<PasswdEntry>();
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] is '#' or '+' or '-') continue;
            // name:password:uid:gid:gecos:home:shell
            var fields = line.Split(':');
            if (fields.Length < 7 || fields[0].Length == 0) continue;
            if (!Ids.TryParse(fields[2], out var uid) || !Ids.TryParse(fields[3], out var gid)) continue;
            entries.Add(new PasswdEntry(fields[0], uid, gid, fields[5]));
        }

        return entries;
    }
}
