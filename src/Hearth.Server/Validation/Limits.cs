namespace Hearth.Server.Validation;

/// <summary>The documented ranges of workspace resources (Oblien's resources page).</summary>
internal static class Limits
{
    public const int MinCpus = 1, MaxCpus = 32;
    public const int MinMemoryMb = 128, MaxMemoryMb = 65536;
    public const int MinDiskMb = 64, MaxDiskMb = 204800;
    public const int MaxEnvEntries = 256;
    public const int MaxTtlSeconds = 365 * 24 * 3600;
}
