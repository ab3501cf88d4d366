namespace Hearth.Sdk.Runtime;

/// <summary>How <see cref="ExecClient"/> runs a command; null members take the runtime's defaults.</summary>
/// <example>
/// <code>
/// var task = await rt.Exec.RunAsync(["make", "test"], new ExecOptions { TimeoutSeconds = 600, ExecMode = "direct" });
/// </code>
/// </example>
public sealed record ExecOptions
{
    /// <summary>
    /// <c>auto</c> (the default: a single string with shell syntax runs under <c>/bin/sh -c</c>),
    /// <c>shell</c> (the argv joined for <c>/bin/sh -c</c>) or <c>direct</c> (the argv as given).
    /// </summary>
    public string? ExecMode { get; init; }

    /// <summary>Kill the task after this many seconds; null or 0 for never.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>How long the runtime keeps the task after it ends; null for 300 s, -1 until deleted.</summary>
    public int? TtlSeconds { get; init; }

    /// <summary>Keep the task's output buffers after it ends.</summary>
    public bool? KeepLogs { get; init; }
}
