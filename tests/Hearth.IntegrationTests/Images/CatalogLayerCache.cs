using System.Diagnostics;
using Hearth.Runtime.Images.Catalog;
using Hearth.Testing;
using Xunit.Abstractions;

namespace Hearth.IntegrationTests.Images;

/// <summary>
/// Builds catalogue images' layers straight from their recipes (no hearthd, no store) into
/// <c>artifacts/test-catalog</c>, one folder per (parent, fingerprint) as the store keys them,
/// so the recipe tests build each layer once per machine. A folder counts only with its
/// <c>done</c> marker, written last.
/// </summary>
internal static class CatalogLayerCache
{
    public static readonly TimeSpan FirstBuild = TimeSpan.FromMinutes(20);
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string Directory => Path.Combine(RepositoryPaths.Root, "artifacts", "test-catalog");

    public static CatalogImage Image(string name) => ImageCatalog.Images(null).Single(i => i.Name == name);

    /// <summary>The image's layer trees, bottom first, building the missing ones.</summary>
    public static async Task<IReadOnlyList<string>> EnsureAsync(string name, ITestOutputHelper? output = null)
    {
        await Gate.WaitAsync();
        try
        {
            var image = Image(name);
            var trees = new List<string>();
            var parent = "base";
            foreach (var layer in image.Layers)
            {
                var key = Fingerprints.Of(parent, layer.Fingerprint);
                var folder = Path.Combine(Directory, key);
                var tree = Path.Combine(folder, "tree");
                if (!File.Exists(Path.Combine(folder, "done")))
                {
                    if (System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
                    System.IO.Directory.CreateDirectory(tree);
                    var clock = Stopwatch.StartNew();
                    await layer.BuildAsync(new LayerBuildContext
                    {
                        Tree = tree,
                        LowerTrees = [.. trees],
                        Progress = line => output?.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] {line}"),
                    }, CancellationToken.None).WaitAsync(FirstBuild);
                    await File.WriteAllTextAsync(Path.Combine(folder, "done"), $"{layer.Title}\n{clock.Elapsed.TotalSeconds:0.0}\n");
                }
                trees.Add(tree);
                parent = key;
            }
            return trees;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs a script in a throwaway chroot of the image; fails the test with the output when it fails.</summary>
    public static async Task<string> RunAsync(IReadOnlyList<string> trees, string script, TimeSpan? timeout = null)
    {
        var result = await ChrootRunner.RunAsync(trees, null, script, null, timeout ?? TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }
}
