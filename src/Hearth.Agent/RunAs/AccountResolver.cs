namespace Hearth.Agent.RunAs;

/// <summary>
/// Resolves an OCI image's <c>User</c> ("name", "uid", "name:group", "uid:gid", "uid:group",
/// "name:gid") against the image's own account files, with the rules of the OCI image spec
/// (config.md, "User") as runc applies them.
/// </summary>
internal static class AccountResolver
{
    /// <summary>
    /// The account for <paramref name="spec"/>, or null with <paramref name="error"/> saying why.
    /// A name must be in /etc/passwd (an unknown name is an error, never a silent root); a number
    /// need not be, and then its gid is the same number. Without a group part the gid is the
    /// passwd entry's and the supplementary groups are every /etc/group entry that lists the
    /// user's name; with one, the supplementary groups are left out, as the OCI spec says.
    /// </summary>
    public static Account? Resolve(string spec, IReadOnlyList<PasswdEntry> users, IReadOnlyList<GroupEntry> groups, out string error)
    {
        error = "";
        var colon = spec.IndexOf(':');
        var userPart = colon < 0 ? spec : spec[..colon];
        var groupPart = colon < 0 ? null : spec[(colon + 1)..];

        PasswdEntry? entry;
        uint uid;
        if (Ids.IsNumeric(userPart))
        {
            if (!Ids.TryParse(userPart, out uid))
            {
                error = $"bad uid '{userPart}'";
                return null;
            }

            entry = users.FirstOrDefault(u => u.Uid == uid);
        }
        else
        {
            entry = userPart.Length == 0 ? null : users.FirstOrDefault(u => u.Name == userPart);
            if (entry is null)
            {
                error = userPart.Length == 0 ? $"no user in '{spec}'" : $"unknown user '{userPart}' (not in /etc/passwd)";
                return null;
            }

            uid = entry.Uid;
        }

        uint gid;
        var list = new List<uint>();
        if (groupPart is not null)
        {
            if (Ids.IsNumeric(groupPart))
            {
                if (!Ids.TryParse(groupPart, out gid))
                {
                    error = $"bad gid '{groupPart}'";
                    return null;
                }
            }
            else if (groups.FirstOrDefault(g => groupPart.Length > 0 && g.Name == groupPart) is { } group)
            {
                gid = group.Gid;
            }
            else
            {
                error = groupPart.Length == 0 ? $"no group after ':' in '{spec}'" : $"unknown group '{groupPart}' (not in /etc/group)";
                return null;
            }

            list.Add(gid);
        }
        else
        {
            // A uid without a passwd entry runs with gid 0, as runc and Docker do: images made
            // for arbitrary uids (OpenShift style) give group 0 write access to their data.
            gid = entry?.Gid ?? 0;
            list.Add(gid);
            if (entry is not null)
            {
                foreach (var group in groups)
                    if (group.Members.Contains(entry.Name) && !list.Contains(group.Gid))
                        list.Add(group.Gid);
            }
        }

        return new Account
        {
            Uid = uid,
            Gid = gid,
            Groups = [.. list],
            Name = entry?.Name,
            Home = entry is { Home.Length: > 0 } ? entry.Home : "/",
        };
    }
}
