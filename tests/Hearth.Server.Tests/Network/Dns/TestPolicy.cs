using System.Collections.Concurrent;
using System.Net;
using Hearth.Server.Network.Dns;

namespace Hearth.Server.Tests.Network.Dns;

/// <summary>Workspaces by address, and every <see cref="IDnsPolicy.AdmitAsync"/> call recorded.</summary>
internal sealed class TestPolicy : IDnsPolicy
{
    public sealed record Admission(string WorkspaceId, IPAddress[] Addresses, TimeSpan Ttl);

    public Dictionary<IPAddress, DnsClientPolicy> Workspaces { get; } = [];

    public ConcurrentQueue<Admission> Admissions { get; } = new();

    /// <summary>Runs inside AdmitAsync after the call is recorded: a gate, or a failure.</summary>
    public Func<Admission, Task>? OnAdmit { get; set; }

    public DnsClientPolicy? Find(IPAddress client) => Workspaces.GetValueOrDefault(client);

    public async Task AdmitAsync(string workspaceId, IReadOnlyList<IPAddress> addresses, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var admission = new Admission(workspaceId, [.. addresses], ttl);
        Admissions.Enqueue(admission);
        if (OnAdmit is { } onAdmit)
            await onAdmit(admission);
    }
}
