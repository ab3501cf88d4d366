using Hearth.Protocol.Json;

namespace Hearth.Sdk.Internal;

/// <summary>A runtime gateway token and the gateway it is for.</summary>
internal sealed record RuntimeGrant(string Token, Uri Gateway, DateTimeOffset RenewAt);

/// <summary>
/// The runtime token of one workspace, minted on the control plane with
/// <c>POST /workspace/:id/runtime-api-access/enable</c> and reused until shortly before it expires.
/// Concurrent callers share one mint; a token the gateway refused is replaced once, by whoever
/// notices first (<see cref="RenewAsync"/>).
/// </summary>
internal sealed class RuntimeTokenSource(HearthConnection connection, string workspaceId)
{
    /// <summary>Gateway tokens live an hour; renewing at 55 minutes keeps a call from racing the expiry.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(55);

    private readonly SemaphoreSlim _mint = new(1, 1);
    private RuntimeGrant? _current;

    public string WorkspaceId { get; } = workspaceId;

    /// <summary>The cached grant while it is fresh; a new one when it is not or <paramref name="force"/> is set.</summary>
    public async Task<RuntimeGrant> GetAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && Fresh(Volatile.Read(ref _current)) is { } cached)
        {
            return cached;
        }

        var seen = Volatile.Read(ref _current);
        await _mint.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have minted while this one waited; with force, only a grant newer than
            // the one seen on entry will do.
            var current = _current;
            if (current is not null && (force ? !ReferenceEquals(current, seen) : Fresh(current) is not null))
            {
                return current;
            }

            return _current = await MintAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _mint.Release();
        }
    }

    /// <summary>Replaces <paramref name="refused"/> unless another caller already has.</summary>
    public async Task<RuntimeGrant> RenewAsync(RuntimeGrant refused, CancellationToken cancellationToken)
    {
        await _mint.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } current && !ReferenceEquals(current, refused))
            {
                return current;
            }

            return _current = await MintAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _mint.Release();
        }
    }

    private RuntimeGrant? Fresh(RuntimeGrant? grant) =>
        grant is not null && connection.Time.GetUtcNow() < grant.RenewAt ? grant : null;

    private async Task<RuntimeGrant> MintAsync(CancellationToken cancellationToken)
    {
        var now = connection.Time.GetUtcNow();
        var path = ApiPaths.Workspace(WorkspaceId, "runtime-api-access/enable");
        var access = await connection.SendAsync(HttpMethod.Post, path, content: null, HearthJsonContext.Default.RuntimeAccessResponse, cancellationToken)
            .ConfigureAwait(false);
        if (string.IsNullOrEmpty(access.Token))
        {
            throw new HearthApiException("runtime-api-access/enable answered without a token.", System.Net.HttpStatusCode.OK, HearthApiException.InvalidResponseCode);
        }

        var gateway = connection.RuntimeGatewayAddress ?? ParseGateway(access.GatewayUrl);
        var renewAt = now + Lifetime;
        if (access.ExpiresAt is { } expires && expires - TimeSpan.FromMinutes(1) < renewAt)
        {
            renewAt = expires - TimeSpan.FromMinutes(1);
        }

        return new RuntimeGrant(access.Token, gateway, renewAt);
    }

    private static Uri ParseGateway(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new HearthApiException(
                $"The server advertised no usable runtime gateway address ('{url}'); set HearthClientOptions.RuntimeGatewayAddress.",
                System.Net.HttpStatusCode.OK,
                HearthApiException.InvalidResponseCode);
        }

        return HearthConnection.CheckGateway(uri);
    }
}
