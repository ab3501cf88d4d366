using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Hearth.Server.Metrics;

/// <summary>
/// Runtime-gateway requests per workspace since hearthd started (<c>apiCalls</c> of the stats):
/// counted by <see cref="RuntimeApi.GatewayAuthMiddleware"/> for each request it admits, kept in
/// memory only.
/// </summary>
internal sealed class ApiCallCounter
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> counts = new();

    public void Count(string workspaceId) => Interlocked.Increment(ref counts.GetOrAdd(workspaceId, _ => new StrongBox<long>()).Value);

    public long Of(string workspaceId) => counts.TryGetValue(workspaceId, out var count) ? Interlocked.Read(ref count.Value) : 0;
}
