namespace Hearth.Agent.Server.Operations;

/// <summary>
/// An operation's failure as the protocol reports it: <c>error</c> with a machine code
/// (<c>bad_request</c>, <c>not_found</c>, <c>forbidden</c>, <c>too_large</c>, <c>conflict</c>,
/// <c>io_error</c>, ...) that hearthd maps to an HTTP status.
/// </summary>
internal sealed class OperationException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
