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
        _ => null,
    };
}
