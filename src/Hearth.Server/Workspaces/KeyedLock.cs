using System.Collections.Concurrent;

namespace Hearth.Server.Workspaces;

/// <summary>
/// Serialises operations on one workspace (start cannot interleave with delete) while
/// operations on different workspaces run in parallel.
/// </summary>
internal sealed class KeyedLock
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new();

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken = default)
    {
        var gate = gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) gate.Release();
        }
    }
}
