using System.Collections.Concurrent;
using Hearth.Runtime.Interop;

namespace Hearth.Runtime.Containers;

/// <summary>
/// One user namespace per uid range, made once and kept (an open fd each) for the idmapped
/// mounts of every later start. A namespace is only a mapping here, so the workspaces that use
/// the same slot one after another can share it: nothing else ever runs in it.
/// </summary>
internal sealed class UserNamespaces(long rangeSize) : IDisposable
{
    private readonly ConcurrentDictionary<long, Lazy<Task<UserNamespace>>> byBase = new();

    public async Task<UserNamespace> GetAsync(long uidBase, CancellationToken cancellationToken = default)
    {
        var entry = byBase.GetOrAdd(uidBase, b => new Lazy<Task<UserNamespace>>(() => UserNamespace.CreateAsync(b, rangeSize)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (RuntimeException)
        {
            byBase.TryRemove(new KeyValuePair<long, Lazy<Task<UserNamespace>>>(uidBase, entry));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var entry in byBase.Values)
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
                entry.Value.Result.Dispose();
        byBase.Clear();
    }
}
