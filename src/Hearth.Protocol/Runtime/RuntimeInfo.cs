namespace Hearth.Protocol.Runtime;

/// <summary><c>GET /runtime</c> on the runtime gateway: what the workspace's agent reports about its machine.</summary>
public sealed record RuntimeInfo
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>Always <c>linux</c>.</summary>
    public string Os { get; init; } = "linux";
    /// <summary>The machine architecture (<c>x86_64</c>).</summary>
    public required string Arch { get; init; }
    /// <summary>The CPUs the workspace may run on.</summary>
    public int Cpus { get; init; }
    /// <summary>The workspace's hostname.</summary>
    public required string Hostname { get; init; }
    /// <summary>The kernel release.</summary>
    public required string Kernel { get; init; }
    /// <summary>The home directory of root inside the workspace.</summary>
    public required string Home { get; init; }
    /// <summary>The shell terminals start by default.</summary>
    public required string Shell { get; init; }
    /// <summary>The agent's name and build.</summary>
    public required string Agent { get; init; }
    /// <summary>The agent protocol version spoken.</summary>
    public int ProtocolVersion { get; init; }
    /// <summary>The operations the agent supports.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];
}
