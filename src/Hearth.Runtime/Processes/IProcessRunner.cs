namespace Hearth.Runtime.Processes;

/// <summary>Runs host programs (crun, mkfs, debootstrap). The seam that keeps logic testable.</summary>
internal interface IProcessRunner
{
    /// <summary>Runs the program to completion and captures its output.</summary>
    Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken = default);
}

/// <summary>One program invocation.</summary>
internal sealed record ProcessRequest(string File, IReadOnlyList<string> Arguments)
{
    /// <summary>Killed (with its process tree) when this elapses.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
    /// <summary>Called with each line of stdout and stderr as it arrives (progress of long steps).</summary>
    public Action<string>? OnLine { get; init; }
    /// <summary>Written to the program's stdin, which is then closed; null closes it at once.</summary>
    public string? StandardInput { get; init; }
    public override string ToString() => $"{File} {string.Join(' ', Arguments)}";
}

/// <summary>What a finished program left.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}
