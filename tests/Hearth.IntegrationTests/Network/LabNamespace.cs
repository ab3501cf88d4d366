namespace Hearth.IntegrationTests.Network;

/// <summary>A network namespace of the lab (hearthd's, or the internet's): its probes run there as the host's root.</summary>
public sealed record LabNamespace(string Label, string Name) : ProbeSource(Label)
{
    private protected override IReadOnlyList<string> Shell(string script) => ["ip", "netns", "exec", Name, "/bin/sh", "-c", script];

    private protected override Task<string> ToolAsync() => NetTool.PathAsync();
}
