namespace Hearth.Sdk.Internal;

/// <summary>The shape of <c>DATA_DIR/admin-credentials.json</c> as the server writes it.</summary>
internal sealed record CredentialsFile
{
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public string? ApiUrl { get; init; }
}
