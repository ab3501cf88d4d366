namespace Hearth.Agent.RunAs;

/// <summary>Who the command runs as, resolved from a user spec and the image's /etc/passwd and /etc/group.</summary>
internal sealed record Account
{
    public required uint Uid { get; init; }

    /// <summary>The primary group: real, effective and saved gid.</summary>
    public required uint Gid { get; init; }

    /// <summary>The list for setgroups(2): <see cref="Gid"/> first, then the supplementary groups, without repeats.</summary>
    public required uint[] Groups { get; init; }

    /// <summary>The passwd name, if the user has an entry; it becomes USER and LOGNAME.</summary>
    public string? Name { get; init; }

    /// <summary>HOME: the passwd home directory, or "/" without one.</summary>
    public required string Home { get; init; }
}
