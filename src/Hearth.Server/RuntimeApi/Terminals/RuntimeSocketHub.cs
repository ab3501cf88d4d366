using System.Collections.Concurrent;

namespace Hearth.Server.RuntimeApi.Terminals;

/// <summary>
/// The one <c>/ws</c> socket each workspace may have: a new one replaces the old, which is
/// closed with <see cref="RuntimeSocket.ReplacedStatus"/> (as the Oblien runtime drops the
/// previous connection).
/// </summary>
internal sealed class RuntimeSocketHub
{
    private readonly ConcurrentDictionary<string, RuntimeSocket> current = new();

    /// <summary>Makes <paramref name="socket"/> the workspace's socket and tells the one it replaces, if any.</summary>
    public void Attach(string workspaceId, RuntimeSocket socket)
    {
        RuntimeSocket? previous = null;
        current.AddOrUpdate(workspaceId, socket, (_, old) =>
        {
            previous = old;
            return socket;
        });
        if (previous is not null && previous != socket) previous.Replace();
    }

    /// <summary>Forgets <paramref name="socket"/> if it is still the workspace's socket.</summary>
    public void Detach(string workspaceId, RuntimeSocket socket) =>
        current.TryRemove(new KeyValuePair<string, RuntimeSocket>(workspaceId, socket));
}
