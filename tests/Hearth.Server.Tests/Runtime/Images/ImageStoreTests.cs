using Hearth.Runtime;
using Hearth.Runtime.Images;
using Hearth.Runtime.Images.Catalog;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Server.Tests.Runtime.Images;

/// <summary>
/// The image store's bookkeeping on a real folder with recipes that write a file or two:
/// layers shared by content and key, builds once under concurrency, records that follow a
/// changed recipe, rebuilds beside pinned layers, prune, aliases, and failures that leave nothing.
/// </summary>
public sealed class ImageStoreTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Writes <paramref name="content"/> to /<paramref name="file"/>; counts its builds; can be made slow or failing.</summary>
    private sealed class FileRecipe(string file, string content) : ILayerRecipe
    {
        public int Builds;
        public TimeSpan Delay { get; init; }
        public bool Fail { get; set; }
        public string Content { get; set; } = content;
        public string Title => $"write {file}";
        public string Fingerprint => $"{file}={Content}";

        public async Task BuildAsync(LayerBuildContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Builds);
            await Task.Delay(Delay, cancellationToken);
            if (Fail) throw new RuntimeException("apt_failed", "the mirror said no");
            await File.WriteAllTextAsync(Path.Combine(context.Tree, file), Content, cancellationToken);
        }
    }

    private static CatalogImage Image(string name, params ILayerRecipe[] layers) =>
        new() { Name = name, Label = name, Category = "os", Description = name, Layers = layers, VersionProbe = "probe" };

    private ImageStore Store(IEnumerable<CatalogImage> catalog, IReadOnlyDictionary<string, string>? aliases = null) =>
        new(dir.Path, catalog, aliases ?? new Dictionary<string, string>(),
            (layers, script, _) => Task.FromResult($"layers {layers.Count}\n"), pull: null, NullLogger<ImageStore>.Instance);

    [Fact]
    public async Task Images_that_stack_the_same_recipe_share_its_layer_and_two_first_uses_build_it_once()
    {
        var @base = new FileRecipe("base", "b") { Delay = TimeSpan.FromMilliseconds(200) };
        var store = Store([Image("one", @base, new FileRecipe("one", "1")), Image("two", @base, new FileRecipe("two", "2"))]);

        var records = await Task.WhenAll(store.EnsureAsync("one"), store.EnsureAsync("one"), store.EnsureAsync("two"));

        Assert.Equal(1, @base.Builds);
        Assert.Equal(records[0].Layers[0], records[2].Layers[0]);
        Assert.Equal(records[0].Layers, records[1].Layers);
        Assert.Equal(["layers 2"], records[0].Software);
        Assert.Equal(3, Directory.GetDirectories(Path.Combine(dir.Path, "layers")).Length);
        Assert.Equal("b", File.ReadAllText(Path.Combine(store.Layers.TreeOf(records[2].Layers[0]), "base")));
    }

    [Fact]
    public async Task A_second_store_on_the_same_folder_finds_the_layers_and_the_record()
    {
        var recipe = new FileRecipe("f", "x");
        var first = await Store([Image("img", recipe)]).EnsureAsync("img");

        var again = await Store([Image("img", recipe)]).EnsureAsync("img");

        Assert.Equal(1, recipe.Builds);
        Assert.Equal(first.Layers, again.Layers);
    }

    [Fact]
    public async Task A_changed_recipe_makes_the_next_use_build_anew_and_the_old_layer_stays_for_its_pins()
    {
        var recipe = new FileRecipe("f", "v1");
        var store = Store([Image("img", recipe)]);
        var v1 = await store.EnsureAsync("img");

        recipe.Content = "v2"; // an upgrade changed what the recipe installs
        Assert.Equal(ImageStatus.Missing, store.GetState("img").Status);
        var v2 = await store.EnsureAsync("img");

        Assert.NotEqual(v1.Layers, v2.Layers);
        Assert.True(store.Layers.Exists(v1.Layers[0]));
        Assert.Equal((0, 0L), store.Prune(v1.Layers.ToHashSet()));
        Assert.Equal(1, store.Prune(new HashSet<string>())!.Value.Layers);
        Assert.False(store.Layers.Exists(v1.Layers[0]));
        Assert.True(store.Layers.Exists(v2.Layers[0]));
    }

    [Fact]
    public async Task A_rebuild_of_identical_content_keeps_the_same_layer()
    {
        var recipe = new FileRecipe("f", "same");
        var store = Store([Image("img", recipe)]);
        var first = await store.EnsureAsync("img");

        var rebuilt = await store.RebuildAsync("img");

        Assert.Equal(2, recipe.Builds);
        Assert.Equal(first.Layers, rebuilt.Layers); // the content address: same bytes, same id
        Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "layers")));
    }

    [Fact]
    public async Task A_failed_build_leaves_no_layer_reports_failed_and_the_next_use_retries()
    {
        var recipe = new FileRecipe("f", "x") { Fail = true };
        var store = Store([Image("img", new FileRecipe("ok", "1"), recipe)]);

        var error = await Assert.ThrowsAsync<RuntimeException>(() => store.EnsureAsync("img"));
        Assert.Equal("apt_failed", error.Code);
        Assert.Equal(ImageStatus.Failed, store.GetState("img").Status);
        Assert.Null(store.Find("img"));
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(dir.Path, "layers")), d => Path.GetFileName(d).StartsWith('.'));

        recipe.Fail = false;
        var record = await store.EnsureAsync("img");
        Assert.Equal(2, record.Layers.Count);
        Assert.Equal(ImageStatus.Ready, store.GetState("img").Status);
    }

    [Fact]
    public async Task A_prune_waits_for_no_build_and_an_alias_resolves_to_its_image()
    {
        var slow = new FileRecipe("f", "x") { Delay = TimeSpan.FromMilliseconds(500) };
        var store = Store([Image("python-3.13", slow)], new Dictionary<string, string> { ["python-3.12"] = "python-3.13" });

        var building = store.EnsureAsync("python-3.12");
        await Task.Delay(100);
        Assert.Null(store.Prune(new HashSet<string>())); // refused while the build runs
        var record = await building;

        Assert.Equal("python-3.13", record.Name);
        Assert.True(store.IsKnown("python-3.12"));
        Assert.Equal(record.Layers, store.Find("python-3.12")!.Layers);
        Assert.Equal((0, 0L), store.Prune(new HashSet<string>()));
    }

    [Fact]
    public async Task An_unknown_name_is_invalid_image_and_an_alias_may_not_hide_a_catalogue_image()
    {
        var store = Store([Image("busybox", new FileRecipe("f", "x"))]);
        Assert.Equal("invalid_image", (await Assert.ThrowsAsync<RuntimeException>(() => store.EnsureAsync("nope"))).Code);
        Assert.Throws<ArgumentException>(() => Store([Image("busybox", new FileRecipe("f", "x"))], new Dictionary<string, string> { ["busybox"] = "x" }));
    }
}
