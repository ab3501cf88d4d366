namespace Hearth.Testing;

/// <summary>Finds the repository and the binaries <c>scripts/publish.sh</c> put in <c>artifacts/bin</c>.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Bin => Environment.GetEnvironmentVariable("HEARTH_BIN") ?? Path.Combine(Root, "artifacts", "bin");

    public static string Hearthd => Path.Combine(Bin, "hearthd");

    public static string HearthCli => Path.Combine(Bin, "hearth");

    /// <summary>One image cache for every instance of a test run, so each image is built once per run.</summary>
    public static string TestImages => Path.Combine(Root, "artifacts", "test-images");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hearth.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("cannot find Hearth.slnx above " + AppContext.BaseDirectory);
    }
}
