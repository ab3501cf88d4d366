namespace Hearth.Cli;

/// <summary>The process exit codes of <c>hearth</c> (other than <c>serve</c>, which returns the daemon's).</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The API refused or failed the call, or it could not be made.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong.</summary>
    public const int Usage = 2;
}
