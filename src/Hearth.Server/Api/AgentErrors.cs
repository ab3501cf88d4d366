namespace Hearth.Server.Api;

/// <summary>
/// The HTTP status for each error code the agent's operations report
/// (docs/design/agent-protocol.md); codes not listed are hearthd's own failures (500).
/// </summary>
internal static class AgentErrors
{
    public static int? Status(string code) => code switch
    {
        "bad_request" => 400,
        "forbidden" => 403,
        "not_found" => 404,
        "conflict" or "exists" => 409,
        "too_large" => 413,
        "unsupported" => 501,
        "no_space" => 507,
        "timeout" => 504,
        "unavailable" => 503,
        "workload_not_found" => 404,
        "workload_exists" or "workload_limit" => 409,
        _ => null,
    };

    /// <summary>
    /// The agent does not know the operation: it predates it (an agent is copied into a
    /// workspace when the workspace starts, so a running one keeps the agent it started with).
    /// </summary>
    public static bool IsOutdated(Hearth.Runtime.RuntimeException e) =>
        e.Code == "bad_request" && e.Message.StartsWith("unknown op", StringComparison.Ordinal);
}
