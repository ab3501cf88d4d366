namespace Hearth.Runtime.Images;

/// <summary>
/// An image's runtime defaults, from an OCI image config or a catalogue recipe. A workspace's
/// own <c>config.env</c> and <c>config.cmd</c> override them, as <c>docker run</c> does.
/// </summary>
internal sealed record ImageConfig
{
    /// <summary><c>K=V</c> entries, applied under the workspace's own env.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];
    public IReadOnlyList<string> Entrypoint { get; init; } = [];
    public IReadOnlyList<string> Cmd { get; init; } = [];
    /// <summary>The main command's working directory; null is <c>/</c>.</summary>
    public string? WorkingDir { get; init; }
    /// <summary>Who the main command runs as, in OCI's spelling: <c>name</c>, <c>uid</c>, <c>uid:gid</c>, <c>name:group</c>.</summary>
    public string? User { get; init; }

    /// <summary>The main command a workspace runs when it names none: entrypoint then cmd.</summary>
    public IReadOnlyList<string> DefaultCommand => [.. Entrypoint, .. Cmd];
}
