using System.Collections.Concurrent;

namespace Hearth.Runtime.Images;

/// <summary>
/// At most one build, import or pull per image name at a time. Whoever asks while one runs
/// joins it: they get its result and, from then on, its progress lines (and the ones before).
/// </summary>
internal sealed class SharedOperations<T>
{
    private readonly ConcurrentDictionary<string, Operation> running = new();

    public bool IsRunning(string name) => running.ContainsKey(name);

    /// <summary>
    /// Runs <paramref name="work"/> unless an operation of that name runs; then joins it, or with
    /// <paramref name="join"/> false (work that must not be replaced by another's: an import of
    /// other bytes) fails with <c>image_busy</c>.
    /// </summary>
    public Task<T> RunAsync(string name, Func<Action<string>, Task<T>> work, Action<string>? listener, bool join = true)
    {
        var fresh = new Operation();
        var operation = running.GetOrAdd(name, fresh);
        if (!ReferenceEquals(operation, fresh))
        {
            if (!join) return Task.FromException<T>(new RuntimeException("image_busy", $"image {name} is being built, imported or pulled; try again when that is done"));
            operation.Listen(listener);
            return operation.Completion.Task;
        }
        operation.Listen(listener);
        // Started here, not on the thread pool: the work's first steps (entering the prune gate)
        // happen before this returns, so nothing can slip in between "started" and "running".
        _ = RunAsync(name, operation, work);
        return operation.Completion.Task;
    }

    private async Task RunAsync(string name, Operation operation, Func<Action<string>, Task<T>> work)
    {
        // Out of the table before the outcome is known: whoever sees the outcome and asks again
        // starts afresh instead of joining what has already finished.
        T result;
        try { result = await work(operation.Report); }
        catch (Exception e)
        {
            running.TryRemove(new KeyValuePair<string, Operation>(name, operation));
            operation.Completion.SetException(e);
            return;
        }
        running.TryRemove(new KeyValuePair<string, Operation>(name, operation));
        operation.Completion.SetResult(result);
    }

    private sealed class Operation
    {
        private readonly List<string> history = [];
        private readonly List<Action<string>> listeners = [];
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Listen(Action<string>? listener)
        {
            if (listener is null) return;
            // Under the lock, so no new line overtakes the replay of the earlier ones.
            lock (history)
            {
                foreach (var line in history) listener(line);
                listeners.Add(listener);
            }
        }

        public void Report(string line)
        {
            Action<string>[] targets;
            lock (history)
            {
                history.Add(line);
                targets = [.. listeners];
            }
            foreach (var target in targets)
            {
                try { target(line); }
                catch (Exception) { } // a listener that went away (a closed response) must not fail the build
            }
        }
    }
}
