using System.Collections.Concurrent;
using Hearth.Server.Api;

namespace Hearth.Server.Workloads;

/// <summary>
/// At most <see cref="PerWorkspace"/> log streams follow a workspace's logs at once. Each holds an
/// agent connection and three threads of the workspace's PID 1 (counted in its pids limit), and
/// a client that abandons a stream without closing it (the official SDK's <c>break</c> out of
/// <c>logsStream</c>) keeps it until the workspace stops: beyond the cap, 429.
/// </summary>
internal sealed class LogFollowSlots
{
    public const int PerWorkspace = 16;

    private readonly ConcurrentDictionary<string, int> taken = new();

    /// <summary>A slot for <paramref name="workspace"/>, given back when disposed; 429 <c>too_many_streams</c> when none is free.</summary>
    public IDisposable Take(string workspace)
    {
        var count = taken.AddOrUpdate(workspace, 1, (_, n) => n + 1);
        if (count <= PerWorkspace) return new Slot(this, workspace);
        Release(workspace);
        throw new ApiException(429, "too_many_streams",
            $"workspace {workspace} already has {PerWorkspace} log streams open; close one (end its HTTP request) first");
    }

    private void Release(string workspace)
    {
        if (taken.AddOrUpdate(workspace, 0, (_, n) => n - 1) <= 0) taken.TryRemove(new KeyValuePair<string, int>(workspace, 0));
    }

    private sealed class Slot(LogFollowSlots owner, string workspace) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) owner.Release(workspace);
        }
    }
}
