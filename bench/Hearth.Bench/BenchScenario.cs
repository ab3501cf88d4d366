namespace Hearth.Bench;

/// <summary>
/// The parts of the bench a run can select by name (<c>bench/run.sh exec</c>); a run without a
/// name runs all of them, in this order, on one hearthd.
/// </summary>
internal enum BenchScenario
{
    /// <summary>Workspace create, delete and lifecycle ops against crun run, plus the create breakdown (Scenarios/HearthScenario).</summary>
    Create,

    /// <summary>The runtime gateway's <c>POST /exec</c> of <c>true</c> against <c>crun exec</c> (Scenarios/ExecScenario).</summary>
    Exec,

    // TODO(files): "files" — write then read 4 KiB and 64 MiB through the runtime gateway's files
    // API against the same through crun exec (cat), once the files API exists. Add it here, in
    // BenchOptions.ScenarioNames, in BenchRun.RunAsync and in bench/README.md.
}
