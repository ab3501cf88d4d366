namespace Hearth.Bench;

/// <summary>
/// The parts of the bench a run can select by name (<c>bench/run.sh exec</c>); a run without a
/// name runs all of them but <see cref="Images"/>, in this order, on one hearthd (images on one
/// of its own).
/// </summary>
internal enum BenchScenario
{
    /// <summary>Workspace create, delete and lifecycle ops against crun run, plus the create breakdown (Scenarios/HearthScenario).</summary>
    Create,

    /// <summary>The runtime gateway's <c>POST /exec</c> of <c>true</c> against <c>crun exec</c> (Scenarios/ExecScenario).</summary>
    Exec,

    /// <summary>
    /// A 4 KiB and a 64 MiB file written and read back through the runtime gateway's files API
    /// (and the 64 MiB one through its tar.gz transfers) against the same bytes through
    /// <c>crun exec</c> and <c>cat</c> (Scenarios/FilesScenario).
    /// </summary>
    Files,

    /// <summary>
    /// The network steps of a create (firewall add, veth attach), TCP between two workspaces
    /// against two plain namespaces on one veth pair, and firewall updates with 500 workspaces'
    /// rules loaded against none (Scenarios/NetworkScenario).
    /// </summary>
    Network,

    /// <summary>
    /// The agent's memory idle, with 10 workloads and after a burst of their output; log-stream
    /// latency against the exec stream and a crun exec pipe; SSE throughput of a 30 MiB flood,
    /// every line counted (Scenarios/WorkloadsScenario).
    /// </summary>
    Workloads,

    /// <summary>
    /// The image catalogue built cold into an empty image cache (per image and per layer), create
    /// -> running from each cached image against busybox, postgres readiness, and create cost
    /// against the number of layers (Scenarios/ImagesScenario). Runs only when named: its builds
    /// fetch packages from the registries and take minutes, on a hearthd of its own.
    /// </summary>
    Images,
}
