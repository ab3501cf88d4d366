namespace Hearth.Runtime.Images;

/// <summary>
/// Keeps a prune apart from builds, imports and pulls: their new layers are in no record until
/// they finish, so a prune running meanwhile would take them for unused. Operations enter
/// freely alongside each other and wait while a prune runs; a prune starts only when none runs.
/// </summary>
internal sealed class PruneGate
{
    private readonly object sync = new();
    private int operations;
    private TaskCompletionSource? prune;

    /// <summary>Operations running now (this one included, for a caller inside one).</summary>
    public int Operations
    {
        get { lock (sync) return operations; }
    }

    public async Task<IDisposable> EnterOperationAsync()
    {
        while (true)
        {
            Task running;
            lock (sync)
            {
                if (prune is null)
                {
                    operations++;
                    return new Release(() => { lock (sync) operations--; });
                }
                running = prune.Task;
            }
            await running;
        }
    }

    /// <summary>Null while an operation runs; otherwise the prune's turn, until disposed.</summary>
    public IDisposable? TryBeginPrune()
    {
        lock (sync)
        {
            if (operations > 0 || prune is not null) return null;
            var mine = prune = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new Release(() =>
            {
                lock (sync) prune = null;
                mine.SetResult();
            });
        }
    }

    private sealed class Release(Action release) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) release();
        }
    }
}
