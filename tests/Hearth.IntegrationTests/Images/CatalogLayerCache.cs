using System.Diagnostics;
using Hearth.Runtime.Images;
using Hearth.Runtime.Images.Catalog;
using Hearth.Testing;
using Xunit.Abstractions;

namespace Hearth.IntegrationTests.Images;

/// <summary>
/// Builds catalogue images' layers straight from their recipes (no hearthd, no image records)
/// through the real <see cref="LayerStore"/> on the shared test image cache, with the keys
/// hearthd's store uses: the recipe tests and every test hearthd build each layer once per run
/// between them (the store's lock files keep them from building one twice).
/// </summary>
internal static class CatalogLayerCache
{
    public static readonly TimeSpan FirstBuild = TimeSpan.FromMinutes(20);

    private static LayerStore Store { get; } = new(RepositoryPaths.TestImages);

    public static CatalogImage Image(string name) => ImageCatalog.Images().Single(i => i.Name == name);

    /// <summary>The image's layer trees, bottom first, building the missing ones.</summary>
    public static async Task<IReadOnlyList<string>> EnsureAsync(string name, ITestOutputHelper? output = null)
    {
        var image = Image(name);
        var ids = new List<string>();
        var clock = Stopwatch.StartNew();
        void Progress(string line) => output?.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] {line}");
        foreach (var layer in image.Layers)
        {
            var lowers = ids.Select(Store.TreeOf).ToList();
            ids.Add(await Store.EnsureAsync(ImageStore.StepKey(ids, layer), layer.Title, tree => layer.BuildAsync(new LayerBuildContext
            {
                Tree = tree,
                LowerTrees = lowers,
                Progress = Progress,
            }, CancellationToken.None), Progress).WaitAsync(FirstBuild));
        }
        return ids.Select(Store.TreeOf).ToList();
    }

    /// <summary>Runs a script in a throwaway chroot of the image; fails the test with the output when it fails.</summary>
    public static async Task<string> RunAsync(IReadOnlyList<string> trees, string script, TimeSpan? timeout = null)
    {
        var result = await ChrootRunner.RunAsync(trees, null, script, null, timeout ?? TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }
}
