namespace Hearth.Testing;

/// <summary>
/// Tests that drive the real kernel need root and the host tools. They never skip: when the
/// capability is missing they fail, loudly, with what is missing.
/// </summary>
public static class RequiresRoot
{
    public static void Check()
    {
        if (Libc.Geteuid() != 0)
            throw new InvalidOperationException("this test drives real containers and must run as root (scripts/test.sh)");
        if (!File.Exists(RepositoryPaths.Hearthd))
            throw new InvalidOperationException($"{RepositoryPaths.Hearthd} is missing: run scripts/publish.sh first (scripts/test.sh does)");
    }
}
