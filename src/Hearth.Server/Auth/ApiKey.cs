namespace Hearth.Server.Auth;

/// <summary>A stored API key (the secret only as a hash).</summary>
internal sealed record ApiKey(string ClientId, byte[] SecretHash, byte[] Salt, int Iterations, string Scope, string? Label, DateTimeOffset CreatedAt);

/// <summary>A key's scopes (DESIGN §9).</summary>
internal static class ApiKeyScopes
{
    public const string Admin = "admin";
}
