using System.Text.Json;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Search;

/// <summary><c>search.status</c>: whether content searches use ripgrep (and which), or the built-in search and why.</summary>
internal static class SearchStatusOperation
{
    public static JsonElement? Run(OperationContext context)
    {
        var reason = Ripgrep.Unavailable();
        SearchStatus status;
        if (reason is not null)
        {
            status = new SearchStatus { Installed = false, Engine = "builtin", Message = reason };
        }
        else if (Ripgrep.Version(context.Supervisor, context.Cancellation) is { } version)
        {
            status = new SearchStatus { Installed = true, Engine = "ripgrep", Path = Ripgrep.Path, Version = version };
        }
        else
        {
            throw new OperationException("io_error", $"{Ripgrep.Path} is in the bundle but does not run");
        }
        return OperationContext.Result(status, AgentWatchSearchJsonContext.Default.SearchStatus);
    }
}
